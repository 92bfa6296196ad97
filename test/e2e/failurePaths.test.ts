import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatusView } from '../../functions/app/runQueries.ts';
import type { Store } from '../../functions/ports/store.ts';
import { hookBody, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Whatever fails, the run ends (README "Job flow"): engine errors take the critical-failure path,
 * a run whose Finish fails is finished by the run sweeper, critical post-hooks fail the run, steps
 * that cannot fit one step-function invocation are refused, lambda results are stored bounded.
 * Faults are injected in the store the real handlers use, on the real local stack.
 */
let stack: TestStack;
let dir: string;
let realStore: Store;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  realStore = stack.services.store;
  dir = mkdtempSync(join(tmpdir(), 'hookline-fail-'));
});
afterEach(() => {
  stack.services.store = realStore;
});
afterAll(async () => {
  await stack.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces one store method for the runs of one hook; everything else goes to the real store. */
function failInStore<K extends 'updateStep' | 'updateRun'>(
  method: K,
  hookId: string,
  fails: (args: Parameters<Store[K]>) => boolean,
) {
  stack.services.store = new Proxy(realStore, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (prop !== method) return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<Store[K]>) => {
        const run = await target.getRun(args[0] as string);
        if (run?.hookId === hookId && fails(args)) throw new Error(`simulated ${method} failure`);
        return (target[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    },
  });
}

const touch = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  command: ['touch', join(dir, name)],
  ...extra,
});

async function fire(hookId: string, job: Record<string, unknown>, payload: unknown = {}) {
  const created = await stack.api('PUT', `/hooks/fail/${hookId}`, hookBody(job));
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const fired = await stack.api<{ runId: string }>('POST', `/hooks/fail/${hookId}/trigger`, payload);
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  return fired.body.runId;
}

describe('an engine error in a step', () => {
  it('is recorded on the step; cleanup and report still run; the run ends failed with the reason', async () => {
    // The step runner throws while claiming the task (as a runner crashing inside its Lambda would).
    failInStore(
      'updateStep',
      'engine-task',
      ([, index, changes]) => index === 1 && changes.status === 'running',
    );
    const runId = await fire('engine-task', {
      preHooks: [touch('engine-pre')],
      tasks: [touch('engine-task'), touch('engine-task-2')],
      postHooks: [touch('engine-post-plain'), touch('engine-post-cleanup', { runOnFailure: true })],
      notify: [
        {
          name: 'engine-notify',
          command: ['sh', '-c', `touch ${join(dir, 'engine-notify')}; printf %s "$HOOKLINE_SUMMARY_TITLE"`],
        },
      ],
    });
    const run = await stack.waitForRunFinished(runId);
    const byName = Object.fromEntries(run.steps.map((s) => [s.name, s]));
    expect(run.result).toBe('failed');
    expect(run.error?.message).toMatch(/simulated updateStep failure/);
    expect(byName['engine-task']).toMatchObject({ status: 'failed' });
    expect(byName['engine-task']!.reason).toMatch(
      /^the engine failed this step: .*simulated updateStep failure/,
    );
    expect(byName['engine-task-2']).toMatchObject({ status: 'skipped' });
    expect(byName['engine-post-plain']).toMatchObject({ status: 'skipped' });
    expect(byName['engine-post-cleanup']).toMatchObject({ status: 'succeeded' });
    expect(byName['engine-notify']).toMatchObject({ status: 'succeeded' });
    expect(existsSync(join(dir, 'engine-post-cleanup'))).toBe(true);
    expect(existsSync(join(dir, 'engine-notify'))).toBe(true);
    expect(byName['engine-notify']!.output?.stdout).toMatch(/ failed - engine error$/);
    expect(existsSync(join(dir, 'engine-task-2'))).toBe(false);
    expect(stack.logs.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'engine error',
        fields: expect.objectContaining({ runId }),
      }),
    );
    // The execution itself ended normally: a recorded engine error is not an execution failure.
    await stack.waitForRun(runId);
    expect(await stack.executions.describe(runId)).toEqual({ status: 'SUCCEEDED' });
  });

  it('in a post-hook: later post-hooks run only where runOnFailure is set, and notify runs', async () => {
    failInStore(
      'updateStep',
      'engine-post',
      ([, index, changes]) => index === 1 && changes.status === 'running',
    );
    const runId = await fire('engine-post', {
      task: touch('ep-task'),
      postHooks: [touch('ep-broken'), touch('ep-plain'), touch('ep-cleanup', { runOnFailure: true })],
      notify: [touch('ep-notify')],
    });
    const run = await stack.waitForRunFinished(runId);
    expect(run.result).toBe('failed');
    expect(run.steps.map((s) => [s.name, s.status])).toEqual([
      ['ep-task', 'succeeded'],
      ['ep-broken', 'failed'],
      ['ep-plain', 'skipped'],
      ['ep-cleanup', 'succeeded'],
      ['ep-notify', 'succeeded'],
    ]);
  });
});

describe('a critical post-hook', () => {
  it('fails the run; later post-hooks run only where runOnFailure is set', async () => {
    const runId = await fire('critical-post', {
      task: touch('cp-task'),
      postHooks: [
        { name: 'cp-gate', command: ['false'], critical: true },
        touch('cp-plain'),
        touch('cp-cleanup', { runOnFailure: true }),
      ],
      notify: [touch('cp-notify')],
    });
    const run = await stack.waitForRunFinished(runId);
    expect(run.result).toBe('failed');
    expect(run.steps.map((s) => [s.name, s.status])).toEqual([
      ['cp-task', 'succeeded'],
      ['cp-gate', 'failed'],
      ['cp-plain', 'skipped'],
      ['cp-cleanup', 'succeeded'],
      ['cp-notify', 'succeeded'],
    ]);
    expect(run.steps[2]!.reason).toBe('skipped due to critical hook failure');
    expect(existsSync(join(dir, 'cp-plain'))).toBe(false);
  });
});

describe('a failing Finish', () => {
  it('is retried, and the run sweeper finishes the run once the execution has failed', async () => {
    let finishWrites = 0;
    failInStore('updateRun', 'finish-fails', ([, changes]) => {
      if (changes.status !== 'finished') return false;
      finishWrites++;
      return true;
    });
    const runId = await fire('finish-fails', { task: touch('ff-task') });
    await stack.waitForRun(runId);
    const execution = await stack.executions.describe(runId);
    expect(execution.status).toBe('FAILED');
    const before = await stack.api<RunStatusView>('GET', `/runs/${runId}`);
    expect(before.body.status).toBe('running');
    // Finish was tried, then retried three times (its Retry), before the execution failed.
    expect(finishWrites).toBe(4);
    stack.services.store = realStore;

    const swept = await stack.sweepRuns();
    expect(swept.finished).toContain(runId);
    const after = await stack.waitForRunFinished(runId);
    expect(after.result).toBe('failed');
    expect(after.error?.message).toMatch(/execution ended FAILED without finishing the run/);
    expect(after.steps[0]).toMatchObject({ name: 'ff-task', status: 'succeeded' });
    // A second pass finds nothing left to do.
    expect((await stack.sweepRuns()).finished).not.toContain(runId);
  }, 30_000);

  it('the sweeper leaves running executions and queued runs alone', async () => {
    const runId = await fire('sweep-leaves', { task: { name: 'slow', command: ['sleep', '1'] } });
    const swept = await stack.sweepRuns();
    expect(swept.finished).not.toContain(runId);
    const run = await stack.waitForRunFinished(runId);
    expect(run.result).toBe('succeeded');
  });
});

describe('a step always fits its Lambda', () => {
  it('a static template with a step that cannot fit is refused at create, naming the step', async () => {
    const res = await stack.api<{ message: string }>(
      'PUT',
      '/hooks/fail/too-long-static',
      hookBody({
        task: { name: 'marathon', command: ['true'], timeoutSeconds: 300, retry: { attempts: 2 } },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/step "marathon" \(task\) may take 903 s/);
    expect((await stack.api('GET', '/hooks/fail/too-long-static')).status).toBe(404);
  });

  it('an update to such a template is refused too, and the hook keeps its definition', async () => {
    const fits = hookBody({ task: { name: 'short', command: ['true'], timeoutSeconds: 60 } });
    expect((await stack.api('PUT', '/hooks/fail/too-long-update', fits)).status).toBe(200);
    const res = await stack.api<{ message: string }>(
      'POST',
      '/hooks/fail/too-long-update',
      hookBody({ task: { name: 'short', command: ['true'], timeoutSeconds: 600, retry: { attempts: 1 } } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/step "short" \(task\) may take 1201 s/);
    const kept = await stack.api<{ task: { task: { timeoutSeconds: number } } }>(
      'GET',
      '/hooks/fail/too-long-update',
    );
    expect(kept.body.task.task.timeoutSeconds).toBe(60);
  });

  it('a rendered job with a step that cannot fit is refused at fire with a 400 naming it', async () => {
    const created = await stack.api(
      'PUT',
      '/hooks/fail/too-long-rendered',
      hookBody(
        { task: { name: 'rendered', command: ['true'], timeoutSeconds: { $eval: 'payload.timeout' } } },
        { triggerSchema: { type: 'object', properties: { timeout: { type: 'number' } } } },
      ),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const refused = await stack.api<{ message: string }>('POST', '/hooks/fail/too-long-rendered/trigger', {
      timeout: 900,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/step "rendered" \(task\) may take 900 s/);
    const fits = await stack.api<{ runId: string }>('POST', '/hooks/fail/too-long-rendered/trigger', {
      timeout: 60,
    });
    expect(fits.status).toBe(200);
    expect((await stack.waitForRunFinished(fits.body.runId)).result).toBe('succeeded');
  });
});

describe('stored outputs are bounded', () => {
  it('a 6 MB lambda result is stored cut, head and tail, the cut said', async () => {
    const big = `HEAD${'x'.repeat(6 * 1024 * 1024)}TAIL`;
    stack.registerFunction('hookline-big-result', () => big);
    const runId = await fire('big-lambda', {
      task: { name: 'big', lambda: { functionName: 'hookline-big-result' } },
    });
    const run = await stack.waitForRunFinished(runId);
    expect(run.result).toBe('succeeded');
    const output = await stack.api<{ body: string; truncated: boolean; data?: unknown }>(
      'GET',
      `/runs/${runId}/steps/0/output`,
    );
    expect(output.status).toBe(200);
    expect(output.body.truncated).toBe(true);
    expect(output.body.data).toBeUndefined();
    expect(Buffer.byteLength(output.body.body)).toBeLessThan(stack.services.settings.outputLimitBytes + 200);
    expect(output.body.body.startsWith('"HEAD')).toBe(true);
    expect(output.body.body.endsWith('TAIL"')).toBe(true);
    expect(output.body.body).toMatch(/bytes cut from the middle of \d+ bytes/);
  });

  it('a small lambda result keeps its value', async () => {
    stack.registerFunction('hookline-small-result', () => ({ ok: 1 }));
    const runId = await fire('small-lambda', {
      task: { name: 'small', lambda: { functionName: 'hookline-small-result' } },
    });
    await stack.waitForRunFinished(runId);
    const output = await stack.api<{ data?: unknown; truncated: boolean }>(
      'GET',
      `/runs/${runId}/steps/0/output`,
    );
    expect(output.body).toMatchObject({ data: { ok: 1 }, truncated: false });
  });
});
