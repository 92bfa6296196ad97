import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHookTypeCatalog } from '../../../../functions/adapters/aws/hookTypeCatalog.ts';
import { HOOK_TYPE_CATALOG_FILE, hookTypeCatalogDir } from '../../../../infra/hookTypeCatalog.ts';
import { type InProcessServices, inProcessServices } from '../../app/inProcessServices.ts';

/**
 * The operator's hook types in the cloud (functions/adapters/aws/hookTypeCatalog.ts): the catalog file
 * the CDK app writes at synth (infra/hookTypeCatalog.ts) is stored by the api function at cold start.
 */
let env: InProcessServices;
let dirs: string[] = [];
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function catalogFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-catalog-'));
  dirs.push(dir);
  const file = join(dir, 'hook-types.json');
  writeFileSync(file, text);
  return file;
}

describe('loadHookTypeCatalog', () => {
  it('stores the types the synth packaged, scripts named where the command runner has them', async () => {
    const dir = hookTypeCatalogDir(resolve('examples/hook-types'));
    dirs.push(dir);
    const file = join(dir, HOOK_TYPE_CATALOG_FILE.split('/').pop()!);
    expect(await loadHookTypeCatalog(env.services, file)).toEqual(['counter', 'notifier']);
    expect(await env.services.hookTypes.getHookType('counter')).toMatchObject({
      name: 'counter',
      scriptFolder: '/var/task/hook-types/counter.hook',
      concurrency: { limit: 1, onLimit: 'queue' },
      events: { run: { task: { command: ['/var/task/hook-types/counter.hook/run'] } } },
    });
    expect((await env.services.hookTypes.getHookType('notifier'))?.events).toHaveProperty('Run Finished');
  });

  it('puts back, at the next cold start, a type of that name replaced through the API', async () => {
    const body = { events: { run: { task: { name: 'packaged', command: ['true'] } } } };
    const file = catalogFile(JSON.stringify([{ name: 'restored', body }]));
    await loadHookTypeCatalog(env.services, file);
    await env.services.hookTypes.putHookType({
      name: 'restored',
      description: 'replaced through the API',
      configuration: {},
      events: { run: { task: { name: 'replaced', command: ['false'] } } },
    });
    expect(await loadHookTypeCatalog(env.services, file)).toEqual(['restored']);
    expect(await env.services.hookTypes.getHookType('restored')).toEqual({
      name: 'restored',
      description: '',
      configuration: {},
      events: body.events,
    });
  });

  it('stores nothing from an empty catalog', async () => {
    expect(await loadHookTypeCatalog(env.services, catalogFile('[]'))).toEqual([]);
  });

  it('fails the cold start on a type that is not valid, naming the problem', async () => {
    const file = catalogFile(JSON.stringify([{ name: 'broken', body: { events: { 'No Such Event': {} } } }]));
    await expect(loadHookTypeCatalog(env.services, file)).rejects.toMatchObject({
      code: 'InputValidationError',
      message: expect.stringMatching(/hook type.*No Such Event/s),
    });
    expect(await env.services.hookTypes.getHookType('broken')).toBeUndefined();
  });

  it('fails the cold start when the catalog is missing or not JSON', async () => {
    await expect(loadHookTypeCatalog(env.services, '/nonexistent/hook-types.json')).rejects.toThrow(/ENOENT/);
    await expect(loadHookTypeCatalog(env.services, catalogFile('{not json'))).rejects.toThrow(SyntaxError);
  });
});
