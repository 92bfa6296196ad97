/**
 * Builds the web dashboard (dashboard/src) into dashboard/dist: one minified script and one stylesheet
 * with content hashes in their names (served with year-long cache headers by
 * functions/api/routes/dashboard.ts) and an index.html naming them. Run by `npm ci` (the `prepare`
 * script) and `npm run build:dashboard`. Fails when the first page's JavaScript passes its budget.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const DASHBOARD_DIR = path.dirname(fileURLToPath(import.meta.url));
const DIST_DIR = path.join(DASHBOARD_DIR, 'dist');
/** The README's budget for the first page: 150 KB of JavaScript, gzipped. */
const FIRST_PAGE_JS_BUDGET_BYTES = 150 * 1024;

rmSync(DIST_DIR, { recursive: true, force: true });
mkdirSync(path.join(DIST_DIR, 'assets'), { recursive: true });

const result = await build({
  entryPoints: { app: path.join(DASHBOARD_DIR, 'src', 'main.tsx') },
  bundle: true,
  outdir: path.join(DIST_DIR, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: path.join(DASHBOARD_DIR, 'tsconfig.json'),
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const script = outputs.find((file) => file.endsWith('.js'));
const stylesheet = outputs.find((file) => file.endsWith('.css'));
if (!script || !stylesheet) throw new Error(`the build made no script or stylesheet: ${outputs.join(', ')}`);

writeFileSync(
  path.join(DIST_DIR, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Hookline</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${stylesheet}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The Hookline dashboard needs JavaScript. The API is at /api/hooks/v1.</noscript>
</body>
</html>
`,
);

let firstPageJs = 0;
for (const file of Object.keys(result.metafile.outputs)) {
  if (file.endsWith('.js')) firstPageJs += gzipSync(readFileSync(file)).length;
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(
  `dashboard built in ${path.relative(process.cwd(), DIST_DIR) || DIST_DIR}: ${script}, ${stylesheet}; ` +
    `first page JavaScript ${kb(firstPageJs)} gzipped (budget ${kb(FIRST_PAGE_JS_BUDGET_BYTES)})`,
);
if (firstPageJs > FIRST_PAGE_JS_BUDGET_BYTES) {
  console.error('the dashboard passes its JavaScript budget');
  process.exit(1);
}
