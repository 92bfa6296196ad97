import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, rerun } from '../../../functions/app/controlRuns.ts';
import { firedRun } from './firedRun.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** Cancel and rerun (functions/app/controlRuns.ts). */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

describe('cancelRun', () => {
  it('asks a running run to stop (logged); a finished run is a 409', async () => {
    const runId = await firedRun(env.services, 'ctl', 'cancel', { task: { name: 't', command: ['true'] } });
    await cancelRun(env.services, (await env.services.store.getRun(runId))!);
    expect((await env.services.store.getRun(runId))!.stopRequested).toBe('cancelled');
    expect(
      env.logs.lines.some((l) => l.message === 'run cancel requested' && l.fields?.runId === runId),
    ).toBe(true);
    await env.services.store.updateRun(runId, { status: 'finished', result: 'cancelled' });
    await expect(cancelRun(env.services, (await env.services.store.getRun(runId))!)).rejects.toMatchObject({
      code: 'RequestConflict',
      message: `run ${runId} has already finished (cancelled)`,
    });
  });
});

describe('rerun', () => {
  it('fires the same rendered job again as a new run by `rerun`, started', async () => {
    const runId = await firedRun(
      env.services,
      'ctl',
      'again',
      { task: { name: 't', command: ['echo', { $eval: 'str(payload.n)' }] } },
      { triggerSchema: { type: 'object', properties: { n: { type: 'integer' } } } },
      { n: 41 },
    );
    const first = (await env.services.store.getRun(runId))!;
    env.clock.advance(60_000);
    const outcome = await rerun(env.services, first, 'client-a');
    expect(outcome.kind).toBe('started');
    expect(outcome.runId).not.toBe(runId);
    expect(env.started).toContain(outcome.runId);
    const second = (await env.services.store.getRun(outcome.runId))!;
    expect(second).toMatchObject({ firedBy: 'rerun', hookGroupId: 'ctl', hookId: 'again' });
    expect(second.job).toEqual(first.job);
    expect(second.job).toMatchObject({ task: { command: ['echo', '41'] } });
  });

  it('a hook that is gone cannot be rerun: 404', async () => {
    const runId = await firedRun(env.services, 'ctl', 'gone', { task: { name: 't', command: ['true'] } });
    const run = (await env.services.store.getRun(runId))!;
    await expect(rerun(env.services, { ...run, hookId: 'never-was' }, undefined)).rejects.toMatchObject({
      code: 'ResourceNotFound',
    });
  });
});
