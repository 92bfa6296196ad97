/**
 * How the Lambda handlers are bundled, in one place.
 *
 * The CDK construct (`infra/hooklineConstruct.ts`, via `NodejsFunction`) and the bundle
 * benchmark (`bench/bundles.ts`, via the esbuild API) both read these options, so what
 * is measured is what is deployed. This module has no aws-cdk-lib import on purpose:
 * the benchmark loads it without paying for the CDK.
 *
 * The AWS SDK is bundled too (nothing is external). `npm run bench -- bundles` measures both
 * ways on this machine, each beside an empty handler: with the SDK loaded as separate modules
 * (the runtime's copy, /var/runtime/node_modules) a function spent most of its module load
 * resolving and evaluating hundreds of small SDK files; one minified file loads several times
 * faster (README "Performance" has the figures). Bundling also pins the SDK to package-lock.json.
 * To use the runtime's copy instead, set the construct prop `useRuntimeAwsSdk: true`.
 *
 * What keeps each bundle under 1 MB with the SDK inside: clients a function rarely needs
 * (Scheduler and the EventBridge rule API for trigger sync, Secrets Manager, Lambda) are imported
 * dynamically where they are used (functions/adapters/aws/cloudServices.ts, lambdaInvoker.ts), so
 * their code is evaluated only on that path; local-only modules (YAML hook-type folders) live in
 * functions/adapters/local and are never imported by a handler.
 *
 * Source maps are written beside each bundle (`index.mjs.map`, uploaded with it) but Node is not
 * started with `--enable-source-maps`: parsing a map at every cold start cost about a fifth of the
 * load time. A stack trace from the logs is mapped offline with the map file of that deployment.
 * Everything else (zod, hono, ajv, json-e, …) is bundled, because the runtime lacks it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The repository root (the directory holding package.json and package-lock.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The dashboard's build (`npm run build:dashboard`), served locally and copied into the api function. */
export const DASHBOARD_DIST_DIR = path.join(PROJECT_ROOT, 'dashboard', 'dist');

/** The lock file NodejsFunction hashes and installs from. */
export const DEPS_LOCK_FILE = path.join(PROJECT_ROOT, 'package-lock.json');

/** The ASL definition shared by the cloud stack and the local engine. */
export const STATE_MACHINE_DEFINITION_FILE = path.join(PROJECT_ROOT, 'statemachines', 'job.asl.json');

export const HANDLER_NAMES = ['api', 'fire', 'step', 'finish', 'commandRunner'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Each handler's entry module; each exports `handler`. */
export const HANDLER_ENTRIES: Readonly<Record<HandlerName, string>> = {
  api: path.join(PROJECT_ROOT, 'functions', 'handlers', 'api.ts'),
  fire: path.join(PROJECT_ROOT, 'functions', 'handlers', 'fire.ts'),
  step: path.join(PROJECT_ROOT, 'functions', 'handlers', 'step.ts'),
  finish: path.join(PROJECT_ROOT, 'functions', 'handlers', 'finish.ts'),
  commandRunner: path.join(PROJECT_ROOT, 'functions', 'handlers', 'commandRunner.ts'),
};

/** The exported handler function name in every entry module. */
export const HANDLER_EXPORT = 'handler';

/**
 * ESM output cannot `require()`; CommonJS dependencies bundled into it call `require`
 * for Node built-ins. This banner defines `require` for the whole bundle. The import is
 * aliased so it cannot collide with a bundled identifier, and the text contains no `$`
 * or double quote because CDK passes it to the esbuild CLI through a shell.
 */
export const REQUIRE_BANNER =
  "import { createRequire as __hooklineCreateRequire } from 'node:module'; " +
  'const require = __hooklineCreateRequire(import.meta.url);';

/** The shared options, in a neutral shape both callers map from. */
export const BUNDLE_OPTIONS = {
  /** The esbuild target; matches the Lambda runtime (Node.js 22). */
  target: 'node22',
  platform: 'node',
  format: 'esm',
  /** NodejsFunction writes ESM bundles as `index.mjs`. */
  outputFile: 'index.mjs',
  minify: true,
  sourceMap: true,
  /** Source maps keep file/line mapping but not the sources: a much smaller asset. */
  sourcesContent: false,
  /** Prefer the ESM build of dual packages (better tree shaking). */
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
  /** Nothing: the AWS SDK is bundled too (see the comment at the top of this file). */
  externalModules: [] as string[],
} as const;

/** The modules left to the Lambda runtime when the construct prop `useRuntimeAwsSdk` is set. */
export const RUNTIME_AWS_SDK_MODULES = ['@aws-sdk/*'];

/**
 * The limit each handler bundle must stay under: 1 MB, read strictly as 1,000,000 bytes, of
 * the JavaScript file (the source map is uploaded beside it but only read to map an error).
 */
export const MAX_BUNDLE_BYTES = 1_000_000;

/**
 * The esbuild options of one handler: its entry becomes `outdir/index.mjs` (Lambda's
 * `index.handler`), and what it imports dynamically (clients of rare paths) goes into
 * `chunk-*.mjs` files beside it, loaded only when that path runs. The construct bundles with
 * these (infra/handlerCode.ts) and bench/bundles.ts measures what they produce.
 */
export function esbuildOptionsFor(
  entry: string,
  outdir: string,
  options: { useRuntimeAwsSdk?: boolean } = {},
): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    outdir,
    entryNames: 'index',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    target: BUNDLE_OPTIONS.target,
    platform: BUNDLE_OPTIONS.platform,
    format: BUNDLE_OPTIONS.format,
    minify: BUNDLE_OPTIONS.minify,
    sourcemap: BUNDLE_OPTIONS.sourceMap,
    sourcesContent: BUNDLE_OPTIONS.sourcesContent,
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    banner: { js: BUNDLE_OPTIONS.banner },
    external: options.useRuntimeAwsSdk ? [...RUNTIME_AWS_SDK_MODULES] : [...BUNDLE_OPTIONS.externalModules],
    logLevel: 'warning',
  };
}
