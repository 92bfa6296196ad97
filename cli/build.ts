import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { REQUIRE_BANNER } from '../infra/bundlingOptions.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bundles the `hookline` command (cli/main.ts) into one ES module, cli/dist/hookline.mjs, which
 * bin/hookline.mjs loads: one file to read and no TypeScript at run time, so `hookline --help` starts
 * fast. `npm run build:cli` (and the npm `prepare` script, so `npm ci` builds it).
 */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUTFILE = join(ROOT, 'cli', 'dist', 'hookline.mjs');

export async function buildCli(outfile = DEFAULT_OUTFILE): Promise<string> {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  await build({
    define: { HOOKLINE_VERSION: JSON.stringify(version) },
    entryPoints: [join(ROOT, 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    // commander is CommonJS: its require() calls of Node built-ins need a require in the ES module
    banner: { js: REQUIRE_BANNER },
    logLevel: 'warning',
  });
  // `hookline data …` (cli/commands/data.ts): its own bundle beside this one, with the packages it
  // opens the stores with (better-sqlite3, the AWS SDK, dynalite) left to node_modules.
  await build({
    entryPoints: [join(ROOT, 'infra', 'local', 'dataCommand.ts')],
    outfile: join(dirname(outfile), 'data.mjs'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`built ${await buildCli(process.argv[2])}\n`);
}
