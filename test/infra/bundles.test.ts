/**
 * The Lambda bundles, built for real: the construct's bundling (NodejsFunction, local
 * esbuild) produces byte for byte what bench/bundles.ts produces from the shared options in
 * infra/bundlingOptions.ts; each bundle is ESM with the require banner, imports nothing but
 * Node built-ins and the runtime's @aws-sdk/*, stays under 1 MB, and loads in a fresh node
 * process with a `handler` export.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltBundle, buildBundles } from '../../bench/bundles.ts';
import {
  HANDLER_ENTRIES,
  HANDLER_NAMES,
  type HandlerName,
  MAX_BUNDLE_BYTES,
  REQUIRE_BANNER,
} from '../../infra/bundlingOptions.ts';
import { DASHBOARD_DIST_DIR } from '../../infra/local/localDashboard.ts';
import { HooklineStack } from '../../infra/hooklineStack.ts';

const missing = HANDLER_NAMES.filter((name) => !fs.existsSync(HANDLER_ENTRIES[name]));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bundles-test-'));
let bundles: Record<HandlerName, BuiltBundle>;

beforeAll(async () => {
  if (missing.length > 0)
    throw new Error(`handler entries missing: ${missing.map((n) => HANDLER_ENTRIES[n]).join(', ')}`);
  // No node_modules beside the bundles: each must load on its own, as on Lambda.
  const built = await buildBundles(root);
  bundles = Object.fromEntries(built.map((b) => [b.name, b])) as Record<HandlerName, BuiltBundle>;
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Imports a bundle in a fresh node process (placeholder cloud environment) and reports its exports. */
function importInChild(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        HOOKLINE_TABLE_NAME: 'test',
        HOOKLINE_EVENT_BUS_NAME: 'test',
        HOOKLINE_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:test',
        HOOKLINE_ROOT_CREDENTIALS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:test',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('handler bundles', () => {
  it.each(HANDLER_NAMES)('%s loads under 1 MB of code at a cold start', (name) => {
    expect(bundles[name].startBytes).toBeLessThan(MAX_BUNDLE_BYTES);
  });

  it('the command runner carries no templating, schema compiler, schedule or AWS SDK code (it runs a command, nothing more)', () => {
    const inputs = Object.keys(bundles.commandRunner.metafile.inputs);
    const heavy = inputs.filter((input) =>
      /node_modules\/(json-e|ajv|ajv-formats|croner|re2js|@aws-sdk|hono)\/|functions\/core\/(hookDefinition|render|triggerSchema)\.ts/.test(
        input,
      ),
    );
    expect(heavy).toEqual([]);
    expect(inputs.some((input) => input.endsWith('functions/handlers/commandRunner.ts'))).toBe(true);
  });

  it.each(HANDLER_NAMES)('%s is ESM, starts with the require banner and has a source map', (name) => {
    const text = fs.readFileSync(bundles[name].file, 'utf8');
    expect(text.startsWith(REQUIRE_BANNER)).toBe(true);
    expect(text).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(bundles[name].mapBytes).toBeGreaterThan(0);
  });

  it.each(HANDLER_NAMES)('%s imports only Node built-ins (the AWS SDK is bundled)', (name) => {
    const output = Object.values(bundles[name].metafile.outputs).find((o) => o.entryPoint)!;
    const external = [...new Set(output.imports.filter((i) => i.external).map((i) => i.path))];
    const builtins = new Set(builtinModules);
    const foreign = external.filter(
      (p) => !p.startsWith('node:') && !builtins.has(p) && !builtins.has(p.split('/')[0]!),
    );
    expect(foreign).toEqual([]);
  });

  it('all four load in a fresh node process and export handler', async () => {
    const results = await Promise.all(HANDLER_NAMES.map((name) => importInChild(bundles[name].file)));
    HANDLER_NAMES.forEach((name, i) => {
      const r = results[i]!;
      expect(r.stderr, name).toBe('');
      expect(r.code, name).toBe(0);
      expect(JSON.parse(r.stdout), name).toMatchObject({ handler: 'function' });
    });
  }, 60_000);
});

describe('the construct bundles the same way', () => {
  it('the construct (local esbuild, no Docker) writes the same files as the shared esbuild options', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-cdk-bundling-'));
    try {
      // Bundling on (the default): this is `cdk synth` without the CLI.
      const app = new App({
        outdir,
        builtinCloudFormationValidation: false,
        context: { 'aws:cdk:bundling-stacks': ['**'] },
      });
      new HooklineStack(app, 'Hookline');
      const assembly = app.synth();
      const manifest = JSON.parse(
        fs.readFileSync(path.join(assembly.directory, 'Hookline.assets.json'), 'utf8'),
      ) as {
        files: Record<string, { displayName: string; source: { path: string } }>;
      };
      for (const name of HANDLER_NAMES) {
        const logical = `${name[0]!.toUpperCase()}${name.slice(1)}Function`;
        const asset = Object.values(manifest.files).find((f) => f.displayName.endsWith(`/${logical}/Code`));
        expect(asset, name).toBeDefined();
        const assetDir = path.join(assembly.directory, asset!.source.path);
        const benchDir = path.dirname(bundles[name].file);
        // The api function also carries the dashboard build (infra/handlerCode.ts).
        const withDashboard = name === 'api' && fs.existsSync(DASHBOARD_DIST_DIR);
        expect(fs.readdirSync(assetDir).sort(), name).toEqual(
          [...fs.readdirSync(benchDir), ...(withDashboard ? ['dashboard'] : [])].sort(),
        );
        if (withDashboard) expect(fs.existsSync(path.join(assetDir, 'dashboard', 'index.html'))).toBe(true);
        expect(fs.readdirSync(assetDir), name).toContain('index.mjs.map');
        for (const file of fs.readdirSync(assetDir).filter((f) => f.endsWith('.mjs'))) {
          expect(
            fs.readFileSync(path.join(assetDir, file)).equals(fs.readFileSync(path.join(benchDir, file))),
            `${name}/${file}: CDK bundle differs from bench bundle`,
          ).toBe(true);
        }
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
