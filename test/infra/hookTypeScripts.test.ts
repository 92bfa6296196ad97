import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_RUNNER_HOOK_TYPES_ROOT,
  readHookTypeDirectory,
} from '../../functions/adapters/local/hookTypeDirectory.ts';
import { ENVIRONMENT_VARIABLES } from '../../functions/adapters/aws/environment.ts';
import { loadHookTypeCatalog } from '../../functions/adapters/aws/hookTypeCatalog.ts';
import type { Services } from '../../functions/app/services.ts';
import type { HookType } from '../../functions/core/hookType.ts';
import { HooklineStack } from '../../infra/hooklineStack.ts';
import { hookTypeCatalogDir } from '../../infra/hookTypeCatalog.ts';

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

      // The api function carries the types, naming the scripts where the command runner has them.
      const api = assetDirOf(assembly.directory, 'ApiFunction');
      const catalog = JSON.parse(
        fs.readFileSync(path.join(api, 'hook-type-catalog', 'hook-types.json'), 'utf8'),
      ) as Array<{ name: string; body: { events: Record<string, unknown> }; scriptFolder?: string }>;
      expect(catalog.map((t) => t.name)).toEqual(['counter', 'notifier']);
      expect(catalog[0]).toMatchObject({
        scriptFolder: '/var/task/hook-types/counter.hook',
        body: { events: { run: { task: { command: ['/var/task/hook-types/counter.hook/run'] } } } },
      });
      const template = JSON.parse(
        fs.readFileSync(path.join(assembly.directory, 'Hookline.template.json'), 'utf8'),
      ) as {
        Resources: Record<
          string,
          { Type: string; Properties: { Environment?: { Variables?: Record<string, unknown> } } }
        >;
      };
      const withCatalog = Object.entries(template.Resources)
        .filter(
          ([, r]) =>
            r.Type === 'AWS::Lambda::Function' &&
            r.Properties.Environment?.Variables?.[ENVIRONMENT_VARIABLES.hookTypeCatalog],
        )
        .map(([id, r]) => [
          id.replace(/[0-9A-F]{8}$/, ''),
          r.Properties.Environment!.Variables![ENVIRONMENT_VARIABLES.hookTypeCatalog],
        ]);
      expect(withCatalog).toEqual([['HooklineApiFunction', '/var/task/hook-type-catalog/hook-types.json']]);
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

describe('the api function stores the packaged hook types at cold start', () => {
  it('puts each type with its script folder, so its hooks run the scripts without the run-commands scope', async () => {
    const stored = new Map<string, HookType>();
    const services = {
      hookTypes: { putHookType: async (type: HookType) => void stored.set(type.name, type) },
      logger: { info: () => undefined },
    } as unknown as Services;
    const dir = hookTypeCatalogDir(examples);
    try {
      expect(await loadHookTypeCatalog(services, path.join(dir, 'hook-types.json'))).toEqual([
        'counter',
        'notifier',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(stored.get('counter')).toMatchObject({
      name: 'counter',
      scriptFolder: '/var/task/hook-types/counter.hook',
      concurrency: { limit: 1, onLimit: 'queue' },
      configuration: { count: { default: 0, required: false } },
    });
  });

  it('a bad folder fails the synth, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bad-types-'));
    try {
      fs.mkdirSync(path.join(dir, 'bad.hook'));
      fs.writeFileSync(path.join(dir, 'bad.hook', 'configuration.yaml'), 'x: { colour: red }\n');
      fs.writeFileSync(path.join(dir, 'bad.hook', 'run'), '#!/bin/sh\n', { mode: 0o755 });
      expect(() => hookTypeCatalogDir(dir)).toThrow(`hookTypesDir ${dir}: hook type bad:`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
