/**
 * How the Lambda handlers are bundled, in one place.
 *
 * The CDK construct (`infra/hooklineConstruct.ts`, via `NodejsFunction`) and the bundle
 * benchmark (`bench/bundles.ts`, via the esbuild API) both read these options, so what
 * is measured is what is deployed. This module has no aws-cdk-lib import on purpose:
 * the benchmark loads it without paying for the CDK.
 *
 * Why `@aws-sdk/*` is external (the one thing not bundled):
 * - Each bundle must stay under 1 MB, and with the SDK clients bundled they do not. Measured
 *   with esbuild 0.28: api was 1.44 MB with the SDK bundled and 0.96 MB without it; fire was
 *   1.12 MB and 0.70 MB. (zod accounts for ~455 KB of every bundle, 264 KB of that its
 *   locales, because `import { z } from 'zod'` defeats tree shaking.) bench/bundles.ts
 *   measures the bundles and test/infra/bundles.test.ts asserts the limit.
 * - The Node.js 22 Lambda runtime includes the AWS SDK for JavaScript v3 (the @aws-sdk/*
 *   clients and libraries) in /var/runtime/node_modules. Since Node.js 18, the Lambda
 *   runtime also resolves ES module imports through NODE_PATH, so
 *   `import … from '@aws-sdk/client-dynamodb'` in an .mjs bundle loads the runtime's copy.
 *   Externalising the SDK is also NodejsFunction's default for Node.js 18+ runtimes.
 * - The costs. First, the SDK version in the cloud is the runtime's (see "Runtime-included
 *   SDK versions" in the Lambda guide), not package-lock.json's. Hookline uses only
 *   long-stable commands: DynamoDB item operations, PutEvents, StartExecution, Invoke,
 *   GetSecretValue, and Scheduler and EventBridge rule CRUD. Second, loading the SDK as
 *   separate modules is slower than loading one minified file: locally, api took ~700 ms
 *   to load with the SDK external and ~450 ms with it bundled, on a busy machine. To pin
 *   and bundle the SDK anyway, set the construct prop `bundleAwsSdk: true`; bundles then
 *   exceed 1 MB.
 * Everything else (zod, hono, ajv, json-e, …) is bundled, because the runtime lacks it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The repository root (the directory holding package.json and package-lock.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

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
  /** Provided by the Lambda runtime: see the comment at the top of this file. */
  externalModules: ['@aws-sdk/*'] as string[],
} as const;

/**
 * The limit each handler bundle must stay under: 1 MB, read strictly as 1,000,000 bytes, of
 * the JavaScript file (the source map is uploaded beside it but only read to map an error).
 */
export const MAX_BUNDLE_BYTES = 1_000_000;

/**
 * esbuild API options equal to what NodejsFunction passes to the esbuild CLI for an entry
 * (`--bundle --target --platform --format --outfile --minify --sourcemap
 * --sources-content --main-fields --banner:js --external`).
 */
export function esbuildOptionsFor(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    outfile: path.join(outdir, BUNDLE_OPTIONS.outputFile),
    target: BUNDLE_OPTIONS.target,
    platform: BUNDLE_OPTIONS.platform,
    format: BUNDLE_OPTIONS.format,
    minify: BUNDLE_OPTIONS.minify,
    sourcemap: BUNDLE_OPTIONS.sourceMap,
    sourcesContent: BUNDLE_OPTIONS.sourcesContent,
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    banner: { js: BUNDLE_OPTIONS.banner },
    external: [...BUNDLE_OPTIONS.externalModules],
    logLevel: 'warning',
  };
}
