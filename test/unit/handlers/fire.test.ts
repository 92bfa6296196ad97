import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeTriggerSync } from '../../../functions/adapters/aws/eventBridgeTriggerSync.ts';
import { createHook, updateHook } from '../../../functions/app/manageHooks.ts';
import { DEFAULT_BINDINGS_MAX_AGE_MS, StoredBindings } from '../../../functions/app/storedBindings.ts';
import { derivedRunId } from '../../../functions/core/ids.ts';
import { createFireHandler } from '../../../functions/handlers/fire.ts';
import { fakeAws } from '../../e2e/events/fakeAws.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from '../app/inProcessServices.ts';

/**
 * The cloud fire function as the stack's one bus rule invokes it: 1,000 hooks with a binding each are
 * registered through the cloud TriggerSync (no EventBridge rule per binding, so no rules quota), and an
 * event is routed by the binding router over the stored bindings to exactly the bound hooks.
 */
const HOOKS = 1000;
let env: InProcessServices;
let aws: ReturnType<typeof fakeAws>;
let bindings: StoredBindings;
let fire: ReturnType<typeof createFireHandler>;

const event = (id: string, detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id,
  'detail-type': 'Order Placed',
  source: 'shop',
  account: '123456789012',
  time: '2030-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
  ...extra,
});

beforeAll(async () => {
  env = await inProcessServices();
  aws = fakeAws();
  env.services.triggers = new EventBridgeTriggerSync({
    scheduleGroupName: 'hookline-schedules',
    fireFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:hookline-fire',
    schedulerRoleArn: 'arn:aws:iam::123456789012:role/hookline-scheduler',
    scheduler: aws.scheduler,
  });
  const ids = Array.from({ length: HOOKS }, (_, i) => i);
  for (let start = 0; start < HOOKS; start += 100) {
    await Promise.all(
      ids
        .slice(start, start + 25)
        .map((i) =>
          createHook(
            env.services,
            'shop',
            `orders/shard-${i}`,
            hookBody(
              { task: { name: 't', command: ['true'] } },
              { bindings: [{ source: ['shop'], detail: { shard: [i] } }] },
            ),
            { scopes: ['*'] },
          ),
        ),
    );
  }
  bindings = new StoredBindings(env.services);
  fire = createFireHandler(env.services, bindings);
}, 120_000);
afterAll(async () => {
  await env?.close();
});

describe('the fire function routes bus events over the stored bindings', () => {
  it('registers 1,000 bindings without a single EventBridge rule', async () => {
    expect(aws.eventsMock.calls()).toHaveLength(0);
    expect(aws.rules.size).toBe(0);
    expect((await env.services.store.listAllHooks()).filter((h) => h.outOfSync)).toEqual([]);
  });

  it('an event fires exactly the hooks bound to it, once, however often it is delivered', async () => {
    const result = await fire(event('evt-7', { shard: 7 }));
    const runId = derivedRunId('shop', 'orders/shard-7', 'event', 'event:evt-7');
    expect(result).toEqual({
      routed: 1,
      fires: [{ hookGroupId: 'shop', hookId: 'orders/shard-7', kind: 'started', runId }],
    });
    expect(env.started).toEqual([runId]);
    expect(await fire(event('evt-7', { shard: 7 }))).toMatchObject({ fires: [{ kind: 'duplicate', runId }] });
    expect(env.started).toEqual([runId]);
  });

  it('an unmatched event costs no store read while the bindings are cached', async () => {
    const loads = bindings.loads;
    const reads: string[] = [];
    const getHook = env.services.store.getHook.bind(env.services.store);
    env.services.store.getHook = async (g, h) => {
      reads.push(`${g}/${h}`);
      return getHook(g, h);
    };
    try {
      expect(await fire(event('evt-none', { shard: 5000 }))).toEqual({ routed: 0, fires: [] });
      expect(await fire(event('evt-other', { shard: 7 }, { source: 'billing' }))).toEqual({
        routed: 0,
        fires: [],
      });
    } finally {
      env.services.store.getHook = getHook;
    }
    expect(reads).toEqual([]);
    expect(bindings.loads).toBe(loads);
  });

  it('the cache is rebuilt when stale or after a hook change event; a stale cache never fires wrongly', async () => {
    // Changed behind this container's back: the cache still files hook 8 under shard 8.
    await updateHook(
      env.services,
      'shop',
      'orders/shard-8',
      hookBody(
        { task: { name: 't', command: ['true'] } },
        { bindings: [{ source: ['shop'], detail: { shard: [8000] } }] },
      ),
      { scopes: ['*'] },
    );
    const stale = await fire(event('evt-8', { shard: 8 }));
    expect(stale).toEqual({
      routed: 1,
      fires: [{ hookGroupId: 'shop', hookId: 'orders/shard-8', kind: 'unbound' }],
    });
    const loads = bindings.loads;
    expect(await fire(event('evt-8000', { shard: 8000 }))).toEqual({ routed: 0, fires: [] }); // not yet seen

    env.clock.advance(DEFAULT_BINDINGS_MAX_AGE_MS);
    expect(await fire(event('evt-8000b', { shard: 8000 }))).toMatchObject({
      routed: 1,
      fires: [{ hookId: 'orders/shard-8', kind: 'started' }],
    });
    expect(bindings.loads).toBe(loads + 1);

    // A lifecycle event about a hook change drops the cache in the container that receives it.
    await fire(
      event(
        'evt-changed',
        { hookGroupId: 'shop', hookId: 'orders/shard-1' },
        { source: 'hookline', 'detail-type': 'Hook Updated' },
      ),
    );
    expect(bindings.loads).toBe(loads + 2);
  });

  it('refuses an input that is no event, schedule occurrence or sweep, without throwing', async () => {
    expect(await fire({ hello: 'world' })).toEqual({
      refused: 'the fire function input is not an event, a schedule occurrence or a sweep',
    });
    expect(await fire({ hookGroupId: 'shop', hookId: 'x', scheduledTime: 'yesterday' })).toMatchObject({
      refused: expect.any(String),
    });
  });

  it('a store failure while firing throws, so Lambda redelivers the event', async () => {
    const createRun = env.services.store.createRun.bind(env.services.store);
    env.services.store.createRun = async () => {
      throw new Error('ThrottlingException');
    };
    try {
      await expect(fire(event('evt-9', { shard: 9 }))).rejects.toThrow(
        /evt-9 not delivered to shop\/orders\/shard-9: ThrottlingException/,
      );
    } finally {
      env.services.store.createRun = createRun;
    }
    expect(await fire(event('evt-9', { shard: 9 }))).toMatchObject({ fires: [{ kind: 'started' }] });
  });
});
