import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveredEvent } from '../../../functions/app/fireFromSources.ts';
import { derivedRunId } from '../../../functions/core/ids.ts';
import { eventBridgeClientFor, hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/** Hooks fired by events that match their bindings, on the real local stack. */
describe('event bindings fire hooks', () => {
  let stack: TestStack;
  let client: EventBridgeClient;

  beforeAll(async () => {
    stack = await startTestStack({ dataDir: null });
    client = eventBridgeClientFor(stack);
  });
  afterAll(async () => {
    client.destroy();
    await stack.cleanup();
  });

  const runsOf = async (path: string) =>
    (await stack.api<{ runs: Array<{ runId: string; firedBy: string }> }>('GET', `/hooks/${path}/runs`)).body
      .runs;

  /** Echoes what the hook was fired with: payload, then the whole event, then firedBy and runId. */
  const echoTask = {
    task: {
      name: 'echo',
      command: [
        'printf',
        '%s\\n%s\\n%s %s',
        { $json: { $eval: 'payload' } },
        { $json: { $eval: 'event' } },
        { $eval: 'firedBy' },
        { $eval: 'runId' },
      ],
    },
  };

  it('PutEvents through the SDK fires the bound hook with payload = detail and event = the whole event', async () => {
    const pattern = {
      source: ['shop.orders'],
      'detail-type': ['Order Placed'],
      detail: { total: [{ numeric: ['>', 100] }] },
    };
    const created = await stack.api(
      'PUT',
      '/hooks/shop/big-orders',
      hookBody(echoTask, { bindings: [pattern] }),
    );
    expect(created.status).toBe(200);

    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'shop.orders',
            DetailType: 'Order Placed',
            Detail: JSON.stringify({ orderId: 'small', total: 20 }),
          },
          {
            Source: 'shop.orders',
            DetailType: 'Order Placed',
            Detail: JSON.stringify({ orderId: 'big', total: 250 }),
          },
          {
            Source: 'shop.refunds',
            DetailType: 'Order Placed',
            Detail: JSON.stringify({ orderId: 'x', total: 900 }),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await stack.bus.drain();

    const runs = await runsOf('shop/big-orders');
    expect(runs).toHaveLength(1);
    const eventId = out.Entries?.[1]?.EventId as string;
    const expectedRunId = derivedRunId('shop', 'big-orders', 'event', `event:${eventId}`);
    expect(runs[0]).toMatchObject({ runId: expectedRunId, firedBy: 'event' });

    const run = await stack.waitForRunFinished(expectedRunId);
    expect(run.result).toBe('succeeded');
    const [payload, event, last] = String(run.steps[0]?.output?.stdout).split('\n');
    expect(JSON.parse(payload ?? '')).toEqual({ orderId: 'big', total: 250 });
    expect(JSON.parse(event ?? '')).toMatchObject({
      id: eventId,
      source: 'shop.orders',
      'detail-type': 'Order Placed',
      detail: { orderId: 'big', total: 250 },
      version: '0',
    });
    expect(last).toBe(`event ${expectedRunId}`);
  });

  it('starts one run when the same event (same id) is delivered twice', async () => {
    await stack.api('PUT', '/hooks/dup/once', hookBody(echoTask, { bindings: [{ source: ['dup.test'] }] }));
    const event: DeliveredEvent = {
      version: '0',
      id: 'f0c1d2e3-0000-4000-8000-000000000001',
      'detail-type': 'Thing Happened',
      source: 'dup.test',
      account: '000000000000',
      time: '2030-01-01T00:00:00Z',
      region: 'local',
      resources: [],
      detail: { n: 1 },
    };
    // At-least-once delivery: the same event twice, at once and again later.
    stack.bus.deliver(event);
    stack.bus.deliver(structuredClone(event));
    await stack.bus.drain();
    const again = await stack.router.route(structuredClone(event));
    expect(again).toEqual([
      { hookGroupId: 'dup', hookId: 'once', outcome: { kind: 'duplicate', runId: expect.any(String) } },
    ]);

    const runs = await runsOf('dup/once');
    expect(runs).toHaveLength(1);
    expect(runs[0]?.runId).toBe(derivedRunId('dup', 'once', 'event', `event:${event.id}`));
    await stack.waitForRunFinished(runs[0]!.runId);
  });

  it('follows hook changes: an updated binding routes the new events only, a removed hook none', async () => {
    const event = (source: string): DeliveredEvent => ({
      version: '0',
      id: `id-${source}-${Math.random()}`,
      'detail-type': 'Ping',
      source,
      detail: {},
    });
    await stack.api(
      'PUT',
      '/hooks/moving/target',
      hookBody({ $if: 'false', then: {} }, { bindings: [{ source: ['old.source'] }] }),
    );
    expect(stack.router.match(event('old.source'))).toEqual([{ hookGroupId: 'moving', hookId: 'target' }]);

    const updated = await stack.api(
      'POST',
      '/hooks/moving/target',
      hookBody(
        { $if: 'false', then: {} },
        {
          bindings: [{ source: ['new.source'] }, { 'detail-type': ['Ping'], source: [{ prefix: 'other.' }] }],
        },
      ),
    );
    expect(updated.status).toBe(200);
    expect(stack.router.match(event('old.source'))).toEqual([]);
    expect(stack.router.match(event('new.source'))).toEqual([{ hookGroupId: 'moving', hookId: 'target' }]);
    expect(stack.router.match(event('other.thing'))).toEqual([{ hookGroupId: 'moving', hookId: 'target' }]);

    expect((await stack.api('DELETE', '/hooks/moving/target')).status).toBe(200);
    expect(stack.router.match(event('new.source'))).toEqual([]);
    expect(stack.router.match(event('other.thing'))).toEqual([]);
  });

  it('applies a declared triggerSchema (with its defaults) to the event detail; a mismatch is a recorded fire error', async () => {
    const triggerSchema = {
      type: 'object',
      properties: { level: { type: 'string', default: 'info' }, message: { type: 'string' } },
      required: ['message'],
    };
    await stack.api(
      'PUT',
      '/hooks/schema/events',
      hookBody(
        { task: { name: 'show', command: ['echo', { $eval: 'payload.level + ":" + payload.message' }] } },
        { bindings: [{ source: ['schema.test'] }], triggerSchema },
      ),
    );
    const put = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'schema.test', DetailType: 'Log', Detail: JSON.stringify({ message: 'hello' }) },
          { Source: 'schema.test', DetailType: 'Log', Detail: JSON.stringify({ level: 'warn' }) },
        ],
      }),
    );
    await stack.bus.drain();
    const okRunId = derivedRunId('schema', 'events', 'event', `event:${put.Entries?.[0]?.EventId}`);
    const run = await stack.waitForRunFinished(okRunId);
    expect(run.steps[0]?.output?.stdout).toBe('info:hello\n');

    const fires = await stack.api<{ lastFires: Array<{ result: string; error: string; firedBy: string }> }>(
      'GET',
      '/hooks/schema/events/last-fires',
    );
    const errors = fires.body.lastFires.filter((f) => f.result === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ firedBy: 'event' });
    expect(errors[0]?.error).toContain('message');
  });

  it('keeps a hook with the default triggerSchema usable for events: the detail is its payload as is', async () => {
    await stack.api(
      'PUT',
      '/hooks/schema/default',
      hookBody(
        { task: { name: 'show', command: ['echo', { $eval: 'payload.anything' }] } },
        { bindings: [{ source: ['default.schema'] }] },
      ),
    );
    const put = await client.send(
      new PutEventsCommand({
        Entries: [{ Source: 'default.schema', DetailType: 'X', Detail: '{"anything":"goes"}' }],
      }),
    );
    await stack.bus.drain();
    const run = await stack.waitForRunFinished(
      derivedRunId('schema', 'default', 'event', `event:${put.Entries?.[0]?.EventId}`),
    );
    expect(run.steps[0]?.output?.stdout).toBe('goes\n');
  });
});
