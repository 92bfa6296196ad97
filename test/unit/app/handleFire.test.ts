import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveredEvent } from '../../../functions/app/fireFromSources.ts';
import { handleFire } from '../../../functions/app/handleFire.ts';
import { createHook } from '../../../functions/app/manageHooks.ts';
import { derivedRunId } from '../../../functions/core/ids.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** The one fire path (app/handleFire.ts), with the ports in this process and a clock the test sets. */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
  const { services } = env;
  const task = { task: { name: 't', command: ['true'] } };
  await createHook(services, 'fire', 'cron', hookBody(task, { schedule: ['0 * * * *'] }), { scopes: ['*'] });
  await createHook(services, 'fire', 'bound/deep', hookBody(task, { bindings: [{ source: ['shop'] }] }), {
    scopes: ['*'],
  });
  await createHook(
    services,
    'fire',
    'broken',
    hookBody({ task: { name: 't', command: ['echo', { $eval: 'payload.missing.deeper' }] } }),
    { scopes: ['*'] },
  );
});
afterAll(async () => {
  await env?.close();
});

const event = (id: string, source = 'shop'): DeliveredEvent => ({
  id,
  source,
  'detail-type': 'Order Placed',
  detail: { n: 1 },
  time: '2030-01-01T00:00:00Z',
});

describe('handleFire', () => {
  it('a schedule occurrence fires once: the run is created, started and recorded; again is a duplicate', async () => {
    const scheduledTime = new Date('2030-01-01T01:00:00Z');
    const delivery = { kind: 'schedule', hookGroupId: 'fire', hookId: 'cron', scheduledTime } as const;
    const runId = derivedRunId('fire', 'cron', 'schedule', `schedule:${scheduledTime.toISOString()}`);
    expect(await handleFire(env.services, delivery)).toEqual({ kind: 'started', runId });
    expect(env.started).toContain(runId);
    expect(await handleFire(env.services, delivery)).toEqual({ kind: 'duplicate', runId });
    expect(env.started.filter((r) => r === runId)).toHaveLength(1);
    const fires = await env.services.store.listFires('fire', 'cron', { limit: 10 });
    expect(fires.items.map((f) => [f.runId, f.result, f.firedBy])).toEqual([[runId, 'success', 'schedule']]);
  });

  it('a hook that is gone is skipped: nothing recorded, nothing thrown', async () => {
    const before = env.started.length;
    expect(
      await handleFire(env.services, {
        kind: 'schedule',
        hookGroupId: 'fire',
        hookId: 'removed',
        scheduledTime: new Date('2030-01-01T01:00:00Z'),
      }),
    ).toEqual({ kind: 'gone' });
    expect(env.started.length).toBe(before);
    expect((await env.services.store.listFires('fire', 'removed', { limit: 10 })).items).toEqual([]);
  });

  it('an input error is recorded as the fire’s error and answered, not thrown (a retry would not help)', async () => {
    const outcome = await handleFire(env.services, {
      kind: 'event',
      hookGroupId: 'fire',
      hookId: 'broken',
      event: event('e-broken'),
    });
    expect(outcome).toMatchObject({ kind: 'refused', message: expect.stringMatching(/missing/) });
    const fires = await env.services.store.listFires('fire', 'broken', { limit: 10 });
    expect(fires.items).toEqual([
      expect.objectContaining({ result: 'error', firedBy: 'event', error: expect.stringMatching(/missing/) }),
    ]);
  });

  it('an event from a cache of bindings fires only if a current binding still matches', async () => {
    const unbound = await handleFire(env.services, {
      kind: 'event',
      hookGroupId: 'fire',
      hookId: 'bound/deep',
      event: event('e-other', 'billing'),
      recheckBindings: true,
    });
    expect(unbound).toEqual({ kind: 'unbound' });
    expect((await env.services.store.listFires('fire', 'bound/deep', { limit: 10 })).items).toEqual([]);

    const bound = await handleFire(env.services, {
      kind: 'event',
      hookGroupId: 'fire',
      hookId: 'bound/deep',
      event: event('e-shop'),
      recheckBindings: true,
    });
    expect(bound).toEqual({
      kind: 'started',
      runId: derivedRunId('fire', 'bound/deep', 'event', 'event:e-shop'),
    });
  });

  it('a store failure is thrown, for the deliverer to retry', async () => {
    const failing = {
      ...env.services,
      store: {
        ...env.services.store,
        getHook: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      },
    };
    await expect(
      handleFire(failing, {
        kind: 'schedule',
        hookGroupId: 'fire',
        hookId: 'cron',
        scheduledTime: new Date('2030-01-01T02:00:00Z'),
      }),
    ).rejects.toThrow(/ProvisionedThroughput/);
  });
});
