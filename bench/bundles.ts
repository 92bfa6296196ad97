/**
 * Lambda bundle size and module-load time.
 *
 * Bundles each handler entry exactly as the CDK construct does (the esbuild options come
 * from infra/bundlingOptions.ts, which the construct also reads), writes the bundles to a
 * temp dir, and times `import()` of each in a fresh `node` process (median of 5), against an
 * empty handler bundled the same way, with the deployed environment (no NODE_OPTIONS).
 *
 * Both ways of shipping the AWS SDK are measured: bundled (what the construct deploys) and
 * left to the runtime's copy (construct prop `useRuntimeAwsSdk`), whose bundles get a
 * `node_modules` symlink to the project's so the SDK loads from separate files, as Lambda
 * loads it from /var/runtime/node_modules.
 *
 *   npx tsx bench/bundles.ts        prints a table
 *   import { measureBundles } ...   used by bench/run.ts
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import {
  BUNDLE_OPTIONS,
  esbuildOptionsFor,
  HANDLER_ENTRIES,
  HANDLER_NAMES,
  PROJECT_ROOT,
} from '../infra/bundlingOptions.ts';

export interface BundleMeasurement {
  /** Handler name: api, fire, step, finish. */
  name: string;
  /** What a cold start loads (index.mjs and its static chunks): the number that must stay under 1 MB. */
  bytes: number;
  /** Every .mjs file of the function, rare paths' chunks included. */
  totalBytes: number;
  /** Median time to import the bundle in a fresh node process, in milliseconds. */
  loadMs: number;
  /** Median time to import an empty handler bundled the same way, in milliseconds. */
  emptyLoadMs: number;
  /** The same handler with the AWS SDK left to the runtime's copy: bytes and median load time. */
  runtimeSdkBytes: number;
  runtimeSdkLoadMs: number;
}

export interface BuiltBundle {
  name: string;
  /** The bundle (index.mjs). */
  file: string;
  bytes: number;
  /** Size of its source map (index.mjs.map), uploaded with it but never loaded unless an error is mapped. */
  mapBytes: number;
  /** The chunks of dynamically imported modules beside it (loaded only on the paths that use them). */
  chunks: Array<{ file: string; bytes: number }>;
  /** What a cold start loads: index.mjs and the chunks it imports statically (transitively). */
  startBytes: number;
  /** Every .mjs file of the function's code. */
  totalBytes: number;
  metafile: Metafile;
}

const EMPTY_HANDLER = 'export const handler = async () => ({});\n';

/** The environment the deployed functions see, with placeholder values, so module init behaves the same. */
const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  HOOKLINE_TABLE_NAME: 'bench',
  HOOKLINE_EVENT_BUS_NAME: 'bench',
  HOOKLINE_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:bench',
  HOOKLINE_SCHEDULE_GROUP_NAME: 'bench',
  HOOKLINE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench',
  HOOKLINE_FIRE_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
  HOOKLINE_ROOT_CREDENTIALS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench',
};

/** Bundles one entry into `outdir/index.mjs` with the construct's options. */
export async function bundleEntry(
  name: string,
  entry: string,
  outdir: string,
  options: { useRuntimeAwsSdk?: boolean } = {},
): Promise<BuiltBundle> {
  fs.mkdirSync(outdir, { recursive: true });
  const result = await build({ ...esbuildOptionsFor(entry, outdir, options), metafile: true });
  const file = path.join(outdir, BUNDLE_OPTIONS.outputFile);
  const mapFile = `${file}.map`;
  const chunks = fs
    .readdirSync(outdir)
    .filter((f) => f.startsWith('chunk-') && f.endsWith('.mjs'))
    .map((f) => ({ file: path.join(outdir, f), bytes: fs.statSync(path.join(outdir, f)).size }));
  const metafile = result.metafile!;
  return {
    name,
    file,
    bytes: fs.statSync(file).size,
    mapBytes: fs.existsSync(mapFile) ? fs.statSync(mapFile).size : 0,
    chunks,
    startBytes: staticClosureBytes(metafile, file),
    totalBytes: fs.statSync(file).size + chunks.reduce((sum, c) => sum + c.bytes, 0),
    metafile,
  };
}

/** Bytes of `entryFile` and of every output it imports statically, transitively (what loads at start). */
function staticClosureBytes(metafile: Metafile, entryFile: string): number {
  const outputs = new Map(Object.entries(metafile.outputs).map(([f, o]) => [path.resolve(f), o]));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of outputs.get(file)?.imports ?? []) {
      if (!imported.external && imported.kind === 'import-statement') visit(path.resolve(imported.path));
    }
  };
  visit(path.resolve(entryFile));
  return [...seen].reduce((sum, f) => sum + (outputs.get(f)?.bytes ?? 0), 0);
}

/** Bundles the four handlers (and nothing else) into `root/<name>/index.mjs`. */
export async function buildBundles(
  root: string,
  options: { useRuntimeAwsSdk?: boolean } = {},
): Promise<BuiltBundle[]> {
  const out: BuiltBundle[] = [];
  for (const name of HANDLER_NAMES)
    out.push(await bundleEntry(name, HANDLER_ENTRIES[name], path.join(root, name), options));
  return out;
}

/** Milliseconds to import a module in a fresh node process (the import only, not node's startup). */
export function loadTimeMs(file: string): number {
  const script =
    'const t = performance.now();' +
    `await import(${JSON.stringify(pathToFileURL(file).href)});` +
    'process.stdout.write(String(performance.now() - t));';
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: CHILD_ENV,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) {
    throw new Error(`loading ${file} failed (exit ${child.status}): ${child.stderr || child.error?.message}`);
  }
  return Number(child.stdout);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianLoadMs(file: string, runs: number): number {
  loadTimeMs(file); // warm the OS file cache; not counted
  return median(Array.from({ length: runs }, () => loadTimeMs(file)));
}

export async function measureBundles(options: { runs?: number } = {}): Promise<BundleMeasurement[]> {
  const runs = options.runs ?? 5;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bundles-'));
  try {
    const emptyEntry = path.join(root, 'empty-entry.mjs');
    fs.writeFileSync(emptyEntry, EMPTY_HANDLER);
    const empty = await bundleEntry('empty', emptyEntry, path.join(root, 'empty'));
    const bundled = await buildBundles(path.join(root, 'bundled'));
    // The runtime-SDK variant resolves @aws-sdk/* from here, like NODE_PATH on Lambda.
    const runtimeRoot = path.join(root, 'runtime-sdk');
    fs.mkdirSync(runtimeRoot);
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(runtimeRoot, 'node_modules'), 'dir');
    const runtimeSdk = await buildBundles(runtimeRoot, { useRuntimeAwsSdk: true });
    const emptyLoadMs = round(medianLoadMs(empty.file, runs));
    return bundled.map((b, i) => ({
      name: b.name,
      bytes: b.startBytes,
      totalBytes: b.totalBytes,
      loadMs: round(medianLoadMs(b.file, runs)),
      emptyLoadMs,
      runtimeSdkBytes: runtimeSdk[i]!.startBytes,
      runtimeSdkLoadMs: round(medianLoadMs(runtimeSdk[i]!.file, runs)),
    }));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await measureBundles();
  console.log('handler   start KiB   total KiB   load ms   empty ms   runtime-SDK KiB   runtime-SDK load ms');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(9)} ${(r.bytes / 1024).toFixed(1).padStart(9)} ${(r.totalBytes / 1024).toFixed(1).padStart(11)} ${String(r.loadMs).padStart(9)} ${String(r.emptyLoadMs).padStart(10)} ${(r.runtimeSdkBytes / 1024).toFixed(1).padStart(17)} ${String(r.runtimeSdkLoadMs).padStart(21)}`,
    );
  }
}
