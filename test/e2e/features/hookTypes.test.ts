import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHookTypeDirectory } from '../../../functions/adapters/local/hookTypeDirectory.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';

/** Razor-style hook types: config schema with defaults, stored config updated by steps, per-key admin edits. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
});
afterAll(async () => {
  await stack.cleanup();
});

const metadata = { name: 'typed', description: 'a typed hook', owner: 'tests@example.com' };
const counterScript =
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).hook.config;console.log(JSON.stringify({hook:{config:{update:{count:c.count+c.step}}}}))})';

const counterType = {
  description: 'counts its runs',
  configuration: {
    count: { description: 'runs so far', default: 0, schema: { type: 'integer', minimum: 0 } },
    step: { description: 'increment', default: 1, schema: { type: 'integer' } },
    label: { description: 'a required label', required: true, schema: { type: 'string' } },
  },
  events: {
    run: { task: { name: 'count', command: ['node', '-e', counterScript] } },
  },
};

describe('hook types', () => {
  it('are managed by API', async () => {
    const put = await stack.api('PUT', '/hook-types/counter', counterType);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      name: 'counter',
      configuration: { count: { default: 0, required: false } },
    });
    const got = await stack.api('GET', '/hook-types/counter');
    expect(got.body).toEqual(put.body);
    const list = await stack.api<{ hookTypes: Array<{ name: string }> }>('GET', '/hook-types');
    expect(list.body.hookTypes.map((t) => t.name)).toContain('counter');
    const bad = await stack.api<{ message: string }>('PUT', '/hook-types/bad', {
      configuration: {},
      events: { wat: {} },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('unknown event "wat"');
    expect((await stack.api('GET', '/hook-types/nope')).status).toBe(404);
  });

  it('give a typed hook the defaults; unknown or missing required keys are a 400 naming the key', async () => {
    const created = await stack.api<{ config: Record<string, unknown> }>('PUT', '/hooks/types/defaults', {
      metadata,
      hookType: 'counter',
      config: { label: 'x' },
    });
    expect(created.status).toBe(200);
    expect(created.body.config).toEqual({ count: 0, step: 1, label: 'x' });

    const unknown = await stack.api<{ message: string }>('PUT', '/hooks/types/unknown', {
      metadata,
      hookType: 'counter',
      config: { label: 'x', colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('config key "colour" is not defined by hook type counter');

    const missing = await stack.api<{ message: string }>('PUT', '/hooks/types/missing', {
      metadata,
      hookType: 'counter',
      config: {},
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('config key "label" is required');

    const wrongType = await stack.api<{ message: string }>('PUT', '/hooks/types/wrong', {
      metadata,
      hookType: 'counter',
      config: { label: 'x', step: 'two' },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('config key "step"');

    const noType = await stack.api<{ message: string }>('PUT', '/hooks/types/none', {
      metadata,
      hookType: 'ghost',
    });
    expect(noType.status).toBe(400);
    expect(noType.body.message).toContain('hookType "ghost" does not exist');

    const inUse = await stack.api('DELETE', '/hook-types/counter');
    expect(inUse.status).toBe(409);
  });

  it('a counter hook incrementing config.count via stdout across ten runs ends at 10, each change audited with its run', async () => {
    await stack.api('PUT', '/hooks/types/counter', {
      metadata,
      hookType: 'counter',
      config: { label: 'ten' },
    });
    const runIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const fired = await stack.api<{ runId: string }>('POST', '/hooks/types/counter/trigger', {});
      const run = await stack.waitForRunFinished(fired.body.runId);
      expect(run.result).toBe('succeeded');
      runIds.push(fired.body.runId);
    }
    const hook = await stack.api<{ config: Record<string, unknown> }>('GET', '/hooks/types/counter');
    expect(hook.body.config).toEqual({ count: 10, step: 1, label: 'ten' });
    const history = await stack.api<{
      history: Array<{ action: string; runId?: string; changes?: unknown }>;
    }>('GET', '/hooks/types/counter/history');
    const changes = history.body.history.filter((h) => h.action === 'config-change');
    expect(changes).toHaveLength(10);
    expect(new Set(changes.map((c) => c.runId))).toEqual(new Set(runIds));
    expect(changes[0]!.changes).toEqual({ update: { count: 10 } });
  });

  it("concurrent runs never lose each other's config changes (version check)", async () => {
    const script =
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s);console.log(JSON.stringify({hook:{config:{update:{["run_"+d.run.runId.replace(/-/g,"_")]:true}}}}))})';
    await stack.api('PUT', '/hooks/types/parallel', {
      metadata,
      task: { task: { name: 'mark', command: ['node', '-e', script] } },
    });
    const fired = await Promise.all(
      Array.from({ length: 8 }, () =>
        stack.api<{ runId: string }>('POST', '/hooks/types/parallel/trigger', {}),
      ),
    );
    await Promise.all(fired.map((f) => stack.waitForRunFinished(f.body.runId)));
    const hook = await stack.api<{ config: Record<string, boolean> }>('GET', '/hooks/types/parallel');
    expect(Object.keys(hook.body.config).sort()).toEqual(
      fired.map((f) => `run_${f.body.runId.replace(/-/g, '_')}`).sort(),
    );
  });

  it("refuses a step's update to a key the schema does not define, as the step's error", async () => {
    await stack.api('PUT', '/hook-types/strict', {
      configuration: { a: { description: 'a', default: 1 } },
      events: {
        run: {
          task: {
            name: 'sneaky',
            command: ['sh', '-c', 'cat >/dev/null; echo \'{"hook":{"config":{"update":{"b":2}}}}\''],
          },
        },
      },
    });
    await stack.api('PUT', '/hooks/types/strict', { metadata, hookType: 'strict' });
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/types/strict/trigger', {});
    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run.steps[0]).toMatchObject({
      status: 'failed',
      error: { message: 'config change refused: key "b" is not defined by hook type strict' },
    });
    const hook = await stack.api<{ config: Record<string, unknown> }>('GET', '/hooks/types/strict');
    expect(hook.body.config).toEqual({ a: 1 });
  });

  it('puts config in the JSON-e context and on stdin', async () => {
    const script =
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).hook.config.greeting, process.argv[1]))';
    const type = await stack.api('PUT', '/hook-types/ctx', {
      configuration: { greeting: { description: 'g', default: 'hi' } },
      events: {
        run: { task: { name: 'ctx', command: ['node', '-e', script, { $eval: 'config.greeting' }] } },
      },
    });
    expect(type.status, JSON.stringify(type.body)).toBe(200);
    const hook = await stack.api('PUT', '/hooks/types/ctx', {
      metadata,
      hookType: 'ctx',
      config: { greeting: 'hello' },
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/types/ctx/trigger', {});
    expect(fired.status, JSON.stringify(fired.body)).toBe(200);
    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run.steps[0]!.output!.stdout).toBe('hello hello\n');
  });

  it('an admin sets or clears one key by API, checked against the type, audited with the client', async () => {
    await stack.api('PUT', '/hooks/types/admin', { metadata, hookType: 'counter', config: { label: 'a' } });
    const set = await stack.api<{ config: Record<string, unknown> }>(
      'PUT',
      '/hooks/types/admin/config/count',
      { value: 41 },
    );
    expect(set.status).toBe(200);
    expect(set.body.config.count).toBe(41);
    const invalid = await stack.api<{ message: string }>('PUT', '/hooks/types/admin/config/count', {
      value: -1,
    });
    expect(invalid.status).toBe(400);
    const unknown = await stack.api<{ message: string }>('PUT', '/hooks/types/admin/config/nope', {
      value: 1,
    });
    expect(unknown.status).toBe(400);
    const cleared = await stack.api<{ config: Record<string, unknown> }>(
      'DELETE',
      '/hooks/types/admin/config/step',
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body.config).toEqual({ count: 41, label: 'a' });
    const required = await stack.api('DELETE', '/hooks/types/admin/config/label');
    expect(required.status).toBe(400);
    const missingKey = await stack.api('DELETE', '/hooks/types/admin/config/step');
    expect(missingKey.status).toBe(404);
  });

  it('are loaded from a directory of <name>.hook/ folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-types-'));
    try {
      mkdirSync(join(dir, 'notify.hook'));
      writeFileSync(
        join(dir, 'notify.hook', 'configuration.yaml'),
        'channel:\n  description: where to post\n  default: general\n',
      );
      writeFileSync(
        join(dir, 'notify.hook', 'run.yaml'),
        'task:\n  name: post\n  command: ["echo", {$eval: "config.channel"}]\n',
      );
      writeFileSync(
        join(dir, 'notify.hook', 'run-finished.json'),
        JSON.stringify({ task: { name: 'after', command: ['true'] } }),
      );
      mkdirSync(join(dir, 'ignored'));
      const loaded = await loadHookTypeDirectory(stack.services, dir);
      expect(loaded).toEqual(['notify']);
      const type = await stack.api<{
        configuration: Record<string, { default: unknown }>;
        events: Record<string, unknown>;
      }>('GET', '/hook-types/notify');
      expect(type.body.configuration.channel!.default).toBe('general');
      expect(Object.keys(type.body.events).sort()).toEqual(['Run Finished', 'run']);
      await stack.api('PUT', '/hooks/types/notify', { metadata, hookType: 'notify' });
      const fired = await stack.api<{ runId: string }>('POST', '/hooks/types/notify/trigger', {});
      const run = await stack.waitForRunFinished(fired.body.runId);
      expect(run.steps[0]!.output!.stdout).toBe('general\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('use the template of the lifecycle event that fired a typed hook, else run', async () => {
    await stack.api('PUT', '/hook-types/watcher', {
      configuration: {},
      events: {
        run: { task: { name: 'by-run', command: ['echo', 'run template'] } },
        'Run Finished': {
          task: {
            name: 'by-event',
            command: ['echo', { $eval: '"saw " + payload.hookId + " " + payload.result' }],
          },
        },
      },
    });
    await stack.api('PUT', '/hooks/types/watched', {
      metadata,
      task: { task: { name: 'w', command: ['true'] } },
    });
    const watcher = await stack.api('PUT', '/hooks/types/watcher', {
      metadata,
      hookType: 'watcher',
      bindings: [
        {
          source: ['hookline'],
          'detail-type': ['Run Finished'],
          detail: { hookGroupId: ['types'], hookId: ['watched'] },
        },
      ],
      triggerSchema: { type: 'object' },
    });
    expect(watcher.status, JSON.stringify(watcher.body)).toBe(200);
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/types/watched/trigger', {});
    await stack.waitForRunFinished(fired.body.runId);
    let runs: Array<{ runId: string; firedBy: string }> = [];
    for (let i = 0; i < 100 && runs.length === 0; i++) {
      runs = (
        await stack.api<{ runs: Array<{ runId: string; firedBy: string }> }>(
          'GET',
          '/hooks/types/watcher/runs',
        )
      ).body.runs;
      if (runs.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]!.firedBy).toBe('event');
    const run = await stack.waitForRunFinished(runs[0]!.runId);
    expect(run.steps[0]!.name).toBe('by-event');
    expect(run.steps[0]!.output!.stdout).toBe('saw watched succeeded\n');
    const direct = await stack.api<{ runId: string }>('POST', '/hooks/types/watcher/trigger', {});
    expect((await stack.waitForRunFinished(direct.body.runId)).steps[0]!.name).toBe('by-run');
  });
});
