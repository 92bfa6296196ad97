import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../../functions/adapters/jsonLogger.ts';
import { LOCAL_ACCOUNT, LocalBus } from '../../../../functions/adapters/local/localBus.ts';
import type { DeliveredEvent } from '../../../../functions/ports/bus.ts';

const event = (id: string): DeliveredEvent => ({
  id,
  source: 'shop',
  'detail-type': 'Order Placed',
  detail: {},
});

describe('the local bus', () => {
  it('puts events in their EventBridge envelope and delivers them to every subscriber', async () => {
    const bus = new LocalBus(memoryLogger());
    const a: DeliveredEvent[] = [];
    const b: DeliveredEvent[] = [];
    bus.subscribe((e) => {
      a.push(e);
    });
    const unsubscribe = bus.subscribe((e) => {
      b.push(e);
    });
    await bus.put([{ source: 'shop', detailType: 'Order Placed', detail: { n: 1 } }]);
    await bus.drain();
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      source: 'shop',
      'detail-type': 'Order Placed',
      account: LOCAL_ACCOUNT,
      detail: { n: 1 },
    });
    expect(b).toEqual(a);
    unsubscribe();
    bus.deliver(event('e-2'));
    await bus.drain();
    expect(a.map((e) => e.id)).toContain('e-2');
    expect(b.map((e) => e.id)).not.toContain('e-2');
  });

  it('deliverAndWait: true once every subscriber handled the event, false if one failed (logged)', async () => {
    const logs = memoryLogger();
    const bus = new LocalBus(logs);
    let handled = 0;
    bus.subscribe(async () => {
      handled++;
    });
    expect(await bus.deliverAndWait(event('ok'))).toBe(true);
    expect(handled).toBe(1);
    bus.subscribe(() => {
      throw new Error('the store is down');
    });
    expect(await bus.deliverAndWait(event('bad'))).toBe(false);
    expect(handled).toBe(2);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ error: 'the store is down' }),
      }),
    );
  });

  it('a failing subscriber does not stop the others, and drain waits for every delivery', async () => {
    const bus = new LocalBus(memoryLogger());
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe(async (e) => {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(e.id);
    });
    bus.deliver(event('x'));
    await bus.drain();
    expect(seen).toEqual(['x']);
  });
});
