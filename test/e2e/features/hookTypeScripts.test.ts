import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHookTypeDirectory } from '../../../functions/adapters/local/hookTypeDirectory.ts';
import type { Credentials } from '../../../functions/app/clients.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * Razor's event scripts: `<name>.hook/` folders whose events are executable files, loaded with
 * `--hook-types` (examples/hook-types/ and folders made here), driven through the API.
 */
const examples = resolve('examples/hook-types');
const metadata = { name: 'scripted', description: 'a hook of a script folder', owner: 'tests@example.com' };

let folder: string;
let stack: TestStack;
let editor: Credentials; // may create hooks, may not run commands

function writeScript(dir: string, file: string, body: string, mode = 0o755): void {
  writeFileSync(join(dir, file), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, file), mode);
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'hookline-hook-types-'));
  cpSync(examples, folder, { recursive: true });
  // Echoes the stdin document as the step's data; `run-finished` is not executable (reported, not loaded).
  const echo = join(folder, 'echo.hook');
  mkdirSync(echo);
  writeFileSync(join(echo, 'configuration.yaml'), 'greeting: { description: a word, default: hi }\n');
  writeScript(echo, 'run', 'printf \'{"output":%s}\\n\' "$(cat)"');
  writeScript(echo, 'run-finished', 'exit 0', 0o644);
  // Holds a lock while it runs: two runs of one hook at once make the second fail.
  const exclusive = join(folder, 'exclusive.hook');
  mkdirSync(exclusive);
  writeScript(
    exclusive,
    'run',
    [
      'lock="$EXCLUSIVE_LOCK_DIR/$HOOKLINE_HOOK_ID"',
      'if ! mkdir "$lock" 2>/dev/null; then echo \'{"error":{"message":"overlapping run"}}\'; exit 1; fi',
      'sleep 0.3',
      'rmdir "$lock"',
    ].join('\n'),
  );
  mkdirSync(join(folder, 'locks'));
  mkdirSync(join(folder, 'replaced.hook'));
  writeScript(join(folder, 'replaced.hook'), 'run', 'exit 0');
  stack = await startTestStack({
    dataDir: null,
    hookTypesDir: folder,
    environment: { ...process.env, EXCLUSIVE_LOCK_DIR: join(folder, 'locks') },
    passEnv: ['EXCLUSIVE_LOCK_DIR'],
  });
  const res = await stack.api<{ accessToken: string }>('PUT', '/clients/editor', {
    scopes: ['hooks:modify-hook:st/*', 'hooks:trigger-hook:st/*', 'hooks:get-run:st/*'],
  });
  editor = { clientId: 'editor', accessToken: res.body.accessToken };
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(folder, { recursive: true, force: true });
});

async function trigger(hookId: string, credentials?: Credentials) {
  const fired = credentials
    ? await stack.apiAs<{ runId: string }>(credentials, 'POST', `/hooks/st/${hookId}/trigger`, {})
    : await stack.api<{ runId: string }>('POST', `/hooks/st/${hookId}/trigger`, {});
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  return stack.waitForRunFinished(fired.body.runId);
}

describe('hook types whose events are scripts', () => {
  it('load with their configuration, a command step per script and serialized hooks', async () => {
    const type = await stack.api<Record<string, unknown>>('GET', '/hook-types/counter');
    expect(type.status).toBe(200);
    expect(type.body).toMatchObject({
      configuration: { count: { default: 0 }, step: { default: 1 }, max: { default: 1000 } },
      concurrency: { limit: 1, onLimit: 'queue' },
      events: { run: { task: { name: 'run', command: [join(folder, 'counter.hook', 'run')] } } },
      scriptFolder: join(folder, 'counter.hook'),
    });
    const notifier = await stack.api<{ events: Record<string, unknown> }>('GET', '/hook-types/notifier');
    expect(Object.keys(notifier.body.events).sort()).toEqual(['Run Finished', 'run']);
  });

  it('give the script the documented stdin: hook.name, hook.config, run, payload, step', async () => {
    const created = await stack.api('PUT', '/hooks/st/echo', { metadata, hookType: 'echo' });
    expect(created.status).toBe(200);
    const run = await trigger('echo');
    expect(run.result).toBe('succeeded');
    const output = await stack.api<{ data: Record<string, unknown> }>(
      'GET',
      `/runs/${run.runId}/steps/0/output`,
    );
    expect(output.body.data).toMatchObject({
      hook: { name: 'st/echo', hookGroupId: 'st', hookId: 'echo', config: { greeting: 'hi' } },
      run: { runId: run.runId, firedBy: 'triggerHook' },
      payload: {},
      step: { index: 0, name: 'run', phase: 'task' },
    });
  });

  it('report a non-executable event file once and do not handle that event', async () => {
    const warnings = stack.logs.lines.filter(
      (line) =>
        line.message.startsWith('hook type script is not executable') &&
        line.fields?.script === join(folder, 'echo.hook', 'run-finished'),
    );
    expect(warnings).toHaveLength(1);
    const type = await stack.api<{ events: Record<string, unknown> }>('GET', '/hook-types/echo');
    expect(Object.keys(type.body.events)).toEqual(['run']);
  });

  it('the example counter: defaults, create with config, ten runs updating it, an error report as the step error', async () => {
    expect((await stack.api('PUT', '/hooks/st/ten', { metadata, hookType: 'counter' })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await trigger('ten')).result).toBe('succeeded');
    const ten = await stack.api<{ config: unknown; concurrency: unknown }>('GET', '/hooks/st/ten');
    expect(ten.body.config).toEqual({ count: 10, step: 1, max: 1000 });
    expect(ten.body.concurrency).toEqual({ limit: 1, onLimit: 'queue' });

    const capped = await stack.api<{ config: unknown }>('PUT', '/hooks/st/capped', {
      metadata,
      hookType: 'counter',
      config: { step: 5, max: 12 },
    });
    expect(capped.body.config).toEqual({ count: 0, step: 5, max: 12 });
    expect((await trigger('capped')).result).toBe('succeeded');
    expect((await trigger('capped')).result).toBe('succeeded');
    const refused = await trigger('capped');
    expect(refused.result).toBe('failed');
    expect(refused.steps[0]).toMatchObject({
      status: 'failed',
      exitCode: 1,
      error: { message: 'counter 10 would pass its max of 12' },
    });
    const after = await stack.api<{ config: unknown }>('GET', '/hooks/st/capped');
    expect(after.body.config).toEqual({ count: 10, step: 5, max: 12 });
  });

  it('the example notifier: its run-finished script runs for Run Finished events, its run.yaml template for triggers', async () => {
    const created = await stack.api('PUT', '/hooks/st/notify', {
      metadata,
      hookType: 'notifier',
      config: { channel: 'ops' },
      bindings: [{ source: ['hookline'], 'detail-type': ['Run Finished'], detail: { hookId: ['watched'] } }],
    });
    expect(created.status).toBe(200);
    await stack.api('PUT', '/hooks/st/watched', { metadata, hookType: 'counter' });
    expect((await trigger('watched')).result).toBe('succeeded');
    const noticed = await pollUntil(async () => {
      const runs = await stack.api<{ runs: Array<{ runId: string }> }>('GET', '/hooks/st/notify/runs');
      return runs.body.runs[0];
    });
    const run = await stack.waitForRunFinished(noticed.runId);
    expect(run.steps[0]).toMatchObject({ name: 'run-finished', status: 'succeeded' });
    expect(run.steps[0]!.output?.stderr).toContain('notice from st/notify to ops');
    const hook = await stack.api<{ config: unknown }>('GET', '/hooks/st/notify');
    expect(hook.body.config).toEqual({ channel: 'ops', sent: 1 });
    const test = await trigger('notify');
    expect(test.steps[0]).toMatchObject({ name: 'test-notice', status: 'succeeded' });
  });

  it('run for a hook whose author may not run commands: the operator put the scripts there', async () => {
    const created = await stack.apiAs(editor, 'PUT', '/hooks/st/by-editor', {
      metadata,
      hookType: 'counter',
    });
    expect(created.status).toBe(200);
    expect((await trigger('by-editor', editor)).result).toBe('succeeded');
    const own = await stack.apiAs<{ code: string }>(editor, 'PUT', '/hooks/st/own-task', {
      metadata,
      hookType: 'counter',
      task: { task: { name: 'x', command: ['true'] } },
    });
    expect(own.status).toBe(403);
  });

  it('lose that when an API client replaces the type, and the API cannot claim a script folder', async () => {
    await stack.apiAs(editor, 'PUT', '/hooks/st/rep', { metadata, hookType: 'replaced' });
    expect((await trigger('rep', editor)).result).toBe('succeeded');
    const type = await stack.api<Record<string, unknown>>('GET', '/hook-types/replaced');
    const { name: _name, scriptFolder, ...body } = type.body;
    const claimed = await stack.api<{ message: string }>('PUT', '/hook-types/replaced', {
      ...body,
      scriptFolder,
    });
    expect(claimed.status).toBe(400);
    expect((await stack.api('PUT', '/hook-types/replaced', body)).status).toBe(200);
    const refused = await stack.apiAs<{ code: string }>(editor, 'POST', '/hooks/st/rep/trigger', {});
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('InsufficientScopes');
  });

  it("serialize a hook's runs (limit 1, queue) unless the hook sets its own concurrency", async () => {
    await stack.api('PUT', '/hooks/st/serial', { metadata, hookType: 'exclusive' });
    const fired = await Promise.all(
      [1, 2, 3].map(() => stack.api<{ runId: string }>('POST', '/hooks/st/serial/trigger', {})),
    );
    const runs = await Promise.all(fired.map((f) => stack.waitForRunFinished(f.body.runId, 30_000)));
    expect(runs.map((r) => r.result)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const own = await stack.api<{ concurrency: unknown }>('PUT', '/hooks/st/parallel', {
      metadata,
      hookType: 'exclusive',
      concurrency: { limit: 3 },
    });
    expect(own.body.concurrency).toEqual({ limit: 3, onLimit: 'queue' });
  });
});

describe('a .hook folder', () => {
  it('may mix scripts and templates for different events; a script and a template for one event is an error naming both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-mixing-'));
    try {
      const mixed = join(dir, 'mixed.hook');
      mkdirSync(mixed);
      writeScript(mixed, 'run', 'exit 0');
      writeFileSync(
        join(mixed, 'run-finished.yaml'),
        'task: { name: t, event: { source: s, detailType: d } }\n',
      );
      const [type] = readHookTypeDirectory(dir);
      expect(Object.keys((type!.body as { events: object }).events).sort()).toEqual(['Run Finished', 'run']);
      expect(type!.scriptFolder).toBe(mixed);

      writeFileSync(join(mixed, 'run.yaml'), 'task: { name: t, command: [true] }\n');
      expect(() => readHookTypeDirectory(dir)).toThrow(
        'hook type mixed: run and run.yaml both handle "run"; keep one (a script or a template per event)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without scripts keeps its templates and sets no concurrency', () => {
    const [type] = readHookTypeDirectory(examples).filter((t) => t.name === 'counter');
    expect(type!.scriptFolder).toBe(join(examples, 'counter.hook'));
    const dir = mkdtempSync(join(tmpdir(), 'hookline-templates-'));
    try {
      mkdirSync(join(dir, 'plain.hook'));
      writeFileSync(
        join(dir, 'plain.hook', 'run.yaml'),
        'task: { name: t, event: { source: s, detailType: d } }\n',
      );
      const [plain] = readHookTypeDirectory(dir);
      expect(plain).toEqual({
        name: 'plain',
        body: {
          configuration: {},
          events: { run: { task: { name: 't', event: { source: 's', detailType: 'd' } } } },
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function pollUntil<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
