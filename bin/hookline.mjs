#!/usr/bin/env node
// The `hookline` command: loads the bundle built from cli/main.ts (see cli/build.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../cli/dist/hookline.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    `hookline is not built: ${fileURLToPath(bundle)} is missing.\nBuild it in the Hookline folder with: npm run build:cli   (npm ci and npm install build it too)\n`,
  );
  process.exit(2);
}
await import(bundle.href);
