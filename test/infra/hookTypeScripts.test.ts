import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_RUNNER_HOOK_TYPES_ROOT,
  readHookTypeDirectory,
} from '../../functions/adapters/local/hookTypeDirectory.ts';
import { HooklineStack } from '../../infra/hooklineStack.ts';

/**
 * `hookTypesDir` on the construct: the operator's `<name>.hook/` folders go into the command-runner
 * function's code, where types read with `scriptRoot: COMMAND_RUNNER_HOOK_TYPES_ROOT` name them.
 */
const examples = path.resolve('examples/hook-types');

function assetDirOf(directory: string, logical: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'Hookline.assets.json'), 'utf8')) as {
    files: Record<string, { displayName: string; source: { path: string } }>;
  };
  const asset = Object.values(manifest.files).find((f) => f.displayName.endsWith(`/${logical}/Code`));
  if (!asset) throw new Error(`no asset for ${logical}`);
  return path.join(directory, asset.source.path);
}

describe('hook type scripts in the cloud', () => {
  it('the command runner carries the folder with its scripts executable; no other function does', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-cdk-hook-types-'));
    try {
      const app = new App({
        outdir,
        builtinCloudFormationValidation: false,
        context: { 'aws:cdk:bundling-stacks': ['**'], hookTypesDir: examples },
      });
      new HooklineStack(app, 'Hookline');
      const assembly = app.synth();
      const runner = assetDirOf(assembly.directory, 'CommandRunnerFunction');
      const script = path.join(runner, 'hook-types', 'counter.hook', 'run');
      expect(fs.readFileSync(script, 'utf8')).toBe(
        fs.readFileSync(path.join(examples, 'counter.hook', 'run'), 'utf8'),
      );
      expect(fs.statSync(script).mode & 0o111).toBe(0o111);
      expect(fs.existsSync(path.join(runner, 'hook-types', 'notifier.hook', 'run-finished'))).toBe(true);
      for (const other of ['ApiFunction', 'StepFunction', 'FireFunction', 'FinishFunction'])
        expect(fs.existsSync(path.join(assetDirOf(assembly.directory, other), 'hook-types')), other).toBe(
          false,
        );
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  it('types read for the cloud name the scripts where the command runner has them', () => {
    const [counter] = readHookTypeDirectory(examples, { scriptRoot: COMMAND_RUNNER_HOOK_TYPES_ROOT });
    expect(counter!.body).toMatchObject({
      events: { run: { task: { name: 'run', command: ['/var/task/hook-types/counter.hook/run'] } } },
    });
  });
});
