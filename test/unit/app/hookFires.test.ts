import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleFire } from '../../../functions/app/handleFire.ts';
import { listLastFires, taskState } from '../../../functions/app/hookFires.ts';
import { getHookStatus } from '../../../functions/app/hookStatus.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import type { RunRecord } from '../../../functions/core/runModel.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** A hook's last fires and status (app/hookFires.ts, app/hookStatus.ts), in this process with a set clock. */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices('2030-01-01T00:30:00Z');
  const { services } = env;
  const task = { task: { name: 't', command: ['true'] } };
  await createHook(services, 'status', 'cron', hookBody(task, { schedule: ['0 * * * *'] }), {
    scopes: ['*'],
  });
  await createHook(
    services,
    'status',
    'broken',
    hookBody({ task: { name: 't', command: ['echo', { $eval: 'payload.missing.deeper' }] } }),
    { scopes: ['*'] },
  );
});
afterAll(async () => {
  await env?.close();
});

const fireAt = (hookId: string, time: string) =>
  handleFire(env.services, {
    kind: 'schedule',
    hookGroupId: 'status',
    hookId,
    scheduledTime: new Date(time),
  });

describe('a hook that never fired', () => {
  it('has no last fire, an empty list, and its next scheduled time', async () => {
    const hook = await getHook(env.services, 'status', 'cron');
    expect(await getHookStatus(env.services, hook)).toEqual({
      lastFire: { result: 'no-fire' },
      nextScheduledDate: '2030-01-01T01:00:00.000Z',
    });
    expect(await listLastFires(env.services, hook, { limit: 10 })).toEqual({ lastFires: [] });
  });
});

describe('a hook that fired', () => {
  it('lists each fire newest first with the state of its run, and reports the newest as lastFire', async () => {
    env.clock.set('2030-01-01T01:00:00Z');
    const first = await fireAt('cron', '2030-01-01T01:00:00Z');
    env.clock.set('2030-01-01T02:00:00Z');
    const second = await fireAt('cron', '2030-01-01T02:00:00Z');
    if (first.kind !== 'started' || second.kind !== 'started') throw new Error('both fires start a run');
    const hook = await getHook(env.services, 'status', 'cron');
    const { lastFires } = await listLastFires(env.services, hook, { limit: 10 });
    expect(lastFires.map((f) => [f.runId, f.result, f.firedBy, f.taskState])).toEqual([
      [second.runId, 'success', 'schedule', 'pending'],
      [first.runId, 'success', 'schedule', 'pending'],
    ]);
    expect(lastFires[0]).toMatchObject({
      hookGroupId: 'status',
      hookId: 'cron',
      runState: 'pending',
      error: '',
    });
    const status = await getHookStatus(env.services, hook);
    expect(status.lastFire).toMatchObject({ result: 'success', runId: second.runId, runState: 'pending' });
  });

  it('a fire the template refused is the last fire, as an error, and lists with no run', async () => {
    const refused = await handleFire(env.services, {
      kind: 'event',
      hookGroupId: 'status',
      hookId: 'broken',
      event: { id: 'e-1', source: 'shop', 'detail-type': 'Order Placed', detail: { n: 1 } },
    });
    expect(refused.kind).toBe('refused');
    const hook = await getHook(env.services, 'status', 'broken');
    const status = await getHookStatus(env.services, hook);
    expect(status.lastFire).toMatchObject({ result: 'error', runState: null, runResult: null });
    expect((status.lastFire as { error: string }).error).toContain('missing');
    const { lastFires } = await listLastFires(env.services, hook, { limit: 10 });
    expect(lastFires.map((f) => [f.result, f.taskState, f.runState])).toEqual([
      ['error', 'unscheduled', null],
    ]);
  });

  it('pages: a limit of one gives the newest and a token for the rest', async () => {
    const hook = await getHook(env.services, 'status', 'cron');
    const page = await listLastFires(env.services, hook, { limit: 1 });
    expect(page.lastFires).toHaveLength(1);
    expect(page.continuationToken).toBeDefined();
    const rest = await listLastFires(env.services, hook, {
      limit: 10,
      continuationToken: page.continuationToken,
    });
    expect(rest.lastFires).toHaveLength(1);
    expect(rest.lastFires[0]!.runId).not.toBe(page.lastFires[0]!.runId);
  });
});

describe("Taskcluster's taskState of a fire's run", () => {
  const run = (status: RunRecord['status'], result?: RunRecord['result']) =>
    ({ status, result }) as RunRecord;
  it('maps each run state', () => {
    expect(taskState(undefined)).toBe('unscheduled');
    expect(taskState(run('pending'))).toBe('pending');
    expect(taskState(run('running'))).toBe('running');
    expect(taskState(run('finished', 'succeeded'))).toBe('completed');
    expect(taskState(run('finished', 'succeeded_with_warnings'))).toBe('completed');
    expect(taskState(run('finished', 'cancelled'))).toBe('exception');
    expect(taskState(run('finished', 'failed'))).toBe('failed');
  });
});
