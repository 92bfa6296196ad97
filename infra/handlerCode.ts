import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { AssetHashType, DockerImage, aws_lambda as lambda } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { esbuildOptionsFor, PROJECT_ROOT } from './bundlingOptions.ts';

/**
 * A handler's Lambda code: bundled at synth with the local esbuild and the options in
 * infra/bundlingOptions.ts (the ones bench/bundles.ts measures), with code splitting, which
 * `NodejsFunction` cannot do. No Docker: the image below is never pulled, because local
 * bundling always succeeds or throws. `cdk synth` with bundling skipped for a stack
 * (`aws:cdk:bundling-stacks`) skips this too, as for any asset.
 */
export function handlerCode(
  entry: string,
  options: {
    useRuntimeAwsSdk?: boolean;
    /** Directories copied beside the bundle under `to`, when they exist (the api function's dashboard, hook types). */
    include?: ReadonlyArray<{ from: string; to: string }>;
  } = {},
): lambda.Code {
  return lambda.Code.fromAsset(path.dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      // CDK caches bundled assets by their bundling options (the local function is not part of the
      // key), so the entry and the SDK choice are spelled out here to keep each handler its own.
      command: [
        'esbuild',
        path.relative(PROJECT_ROOT, entry),
        options.useRuntimeAwsSdk ? 'runtime-sdk' : 'bundled-sdk',
        ...(options.include ?? []).flatMap((one) => ['include', path.relative(PROJECT_ROOT, one.from)]),
      ],
      local: {
        tryBundle(outputDir: string): boolean {
          const result = buildSync(esbuildOptionsFor(entry, outputDir, options));
          if (result.errors.length > 0) throw new Error(`bundling ${entry} failed`);
          for (const include of options.include ?? [])
            if (existsSync(include.from))
              cpSync(include.from, path.join(outputDir, include.to), { recursive: true });
          return true;
        },
      },
    },
  });
}
