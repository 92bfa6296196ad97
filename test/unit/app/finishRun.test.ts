import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishRun } from '../../../functions/app/finishRun.ts';
import { firedRun } from './firedRun.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** The Finish state (functions/app/finishRun.ts): leftovers settled, the result, the announcement, idempotence. */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

const job = {
  preHooks: [{ name: 'pre', command: ['true'] }],
  task: { name: 'main', command: ['true'] },
  postHooks: [{ name: 'post', command: ['true'] }],
};

async function runningRun(hookId: string, extra: Record<string, unknown> = {}) {
  const runId = await firedRun(env.services, 'fin', hookId, job, extra);
  await env.services.store.updateRun(runId, { status: 'running' });
  return runId;
}

const finishedEvents = (runId: string) =>
  env.events.filter((e) => e.detailType === 'Run Finished' && e.detail.runId === runId);

describe('finishRun', () => {
  it('computes the result, marks the run finished at the clock’s time and announces it once', async () => {
    const runId = await runningRun('ok');
    for (const index of [0, 1, 2]) await env.services.store.updateStep(runId, index, { status: 'succeeded' });
    env.clock.set('2030-01-01T00:05:00Z');
    expect(await finishRun(env.services, { runId })).toEqual({ result: 'succeeded' });
    expect(await env.services.store.getRun(runId)).toMatchObject({
      status: 'finished',
      result: 'succeeded',
      finishedAt: '2030-01-01T00:05:00.000Z',
    });
    expect(finishedEvents(runId)).toHaveLength(1);
    expect(finishedEvents(runId)[0]!.detail).toMatchObject({
      hookGroupId: 'fin',
      hookId: 'ok',
      result: 'succeeded',
    });
    // Again (a retried Finish): the same result, no second announcement.
    expect(await finishRun(env.services, { runId })).toEqual({ result: 'succeeded' });
    expect(finishedEvents(runId)).toHaveLength(1);
  });

  it('settles the steps that never ran; a failure is a warning, a recorded critical failure fails the run', async () => {
    const runId = await runningRun('leftovers');
    await env.services.store.updateStep(runId, 0, { status: 'succeeded' });
    await env.services.store.updateStep(runId, 1, { status: 'running' });
    expect(await finishRun(env.services, { runId })).toEqual({ result: 'succeeded_with_warnings' });
    const steps = await env.services.store.getSteps(runId);
    expect(steps.map((s) => [s.status, s.reason])).toEqual([
      ['succeeded', undefined],
      ['failed', 'the run ended before this step ran'],
      ['skipped', 'the run ended before this step ran'],
    ]);
    expect(finishedEvents(runId)[0]!.detail.counts).toEqual({
      total: 3,
      succeeded: 1,
      failed: 1,
      skipped: 1,
      cancelled: 0,
    });

    const critical = await runningRun('critical');
    await env.services.store.updateRun(critical, {
      criticalFailure: { index: 1, name: 'main', phase: 'task' },
    });
    expect(await finishRun(env.services, { runId: critical })).toEqual({ result: 'failed' });
  });

  it('an engine error fails the run with its reason, recorded on the run and reported', async () => {
    const runId = await runningRun('engine');
    const outcome = await finishRun(env.services, {
      runId,
      engineError: { Error: 'States.Runtime', Cause: 'the Map state broke' },
    });
    expect(outcome).toEqual({ result: 'failed' });
    const run = (await env.services.store.getRun(runId))!;
    expect(run.error).toEqual({ message: 'States.Runtime: the Map state broke' });
    const steps = await env.services.store.getSteps(runId);
    expect(steps.every((s) => s.status !== 'pending')).toBe(true);
  });

  it('a cancel asked for keeps its own result, even with an engine error', async () => {
    const runId = await runningRun('cancel');
    await env.services.store.updateRun(runId, { stopRequested: 'cancelled' });
    const outcome = await finishRun(env.services, { runId, engineError: { Error: 'States.Runtime' } });
    expect(outcome).toEqual({ result: 'cancelled' });
  });

  it('releases the concurrency slot: the queued run starts', async () => {
    const limit = { concurrency: { limit: 1, onLimit: 'queue' } };
    const first = await runningRun('limited', limit);
    const { fireHook } = await import('../../../functions/app/fireHook.ts');
    const { getHook } = await import('../../../functions/app/manageHooks.ts');
    const queued = await fireHook(env.services, {
      hook: await getHook(env.services, 'fin', 'limited'),
      firedBy: 'triggerHook',
      payload: {},
    });
    expect(env.started).not.toContain(queued.runId);
    for (const index of [0, 1, 2]) await env.services.store.updateStep(first, index, { status: 'succeeded' });
    await finishRun(env.services, { runId: first });
    expect(env.started).toContain(queued.runId);
  });

  it('an after-finish action that throws is logged, and the others still run', async () => {
    const runId = await runningRun('after');
    const ran: string[] = [];
    await finishRun(env.services, { runId }, [
      async () => {
        throw new Error('webhook down');
      },
      async (_services, id) => void ran.push(id),
    ]);
    expect(ran).toEqual([runId]);
    expect(env.logs.lines.find((l) => l.message === 'after-finish action failed')?.fields).toEqual({
      runId,
      error: 'webhook down',
    });
  });

  it('a run that does not exist is an error naming it', async () => {
    await expect(finishRun(env.services, { runId: 'nope' })).rejects.toThrow('run nope does not exist');
  });
});
