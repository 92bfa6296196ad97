import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../../functions/adapters/jsonLogger.ts';
import { LocalBus } from '../../../../functions/adapters/local/localBus.ts';
import { OutboxDelivery } from '../../../../functions/adapters/local/outboxDelivery.ts';
import { openDatabase, type SqliteDatabase } from '../../../../functions/adapters/local/sqlite/database.ts';
import { SqliteEventOutbox } from '../../../../functions/adapters/local/sqlite/sqliteEventOutbox.ts';
import type { DeliveredEvent } from '../../../../functions/ports/bus.ts';

/** Delivery from the local EventBridge endpoint's outbox (functions/adapters/local/outboxDelivery.ts). */
let database: SqliteDatabase;
let outbox: SqliteEventOutbox;
beforeEach(() => {
  database = openDatabase(':memory:');
  outbox = new SqliteEventOutbox(database);
});
afterEach(() => database.close());

const event = (id: string): DeliveredEvent => ({
  id,
  source: 'shop',
  'detail-type': 'Order',
  detail: { id },
});

describe('OutboxDelivery', () => {
  it('stores before delivering, delivers to every subscriber, and removes what was delivered', async () => {
    const logger = memoryLogger();
    const bus = new LocalBus(logger);
    const delivered: string[] = [];
    let storedWhenDelivered = 0;
    bus.subscribe(async (e) => {
      storedWhenDelivered = (await outbox.list(10)).length;
      delivered.push(e.id);
    });
    const delivery = new OutboxDelivery(outbox, bus, logger);
    await delivery.accept([event('a'), event('b')]);
    await bus.drain();
    await delivery.stop();
    expect(delivered.sort()).toEqual(['a', 'b']);
    expect(storedWhenDelivered).toBeGreaterThan(0);
    expect(await outbox.list(10)).toEqual([]);
  });

  it('an event whose delivery failed stays stored and is delivered again by redeliver', async () => {
    const logger = memoryLogger();
    const bus = new LocalBus(logger);
    let failing = true;
    const delivered: string[] = [];
    bus.subscribe(async (e) => {
      if (failing) throw new Error('subscriber down');
      delivered.push(e.id);
    });
    const delivery = new OutboxDelivery(outbox, bus, logger);
    await delivery.accept([event('x')]);
    await bus.drain();
    expect((await outbox.list(10)).map((entry) => entry.event.id)).toEqual(['x']);
    failing = false;
    expect(await delivery.redeliver()).toBe(1);
    expect(delivered).toEqual(['x']);
    expect(await outbox.list(10)).toEqual([]);
    expect(await delivery.redeliver()).toBe(0);
    expect(logger.lines.some((l) => l.message === 'stored events being delivered')).toBe(true);
  });

  it('events left by a crash are delivered at the next start', async () => {
    await outbox.add([event('left-1'), event('left-2')]);
    const logger = memoryLogger();
    const bus = new LocalBus(logger);
    const delivered: string[] = [];
    bus.subscribe((e) => void delivered.push(e.id));
    expect(await new OutboxDelivery(outbox, bus, logger).redeliver()).toBe(2);
    expect(delivered).toEqual(['left-1', 'left-2']);
  });

  it('once stopping it refuses new events and delivers nothing more', async () => {
    const logger = memoryLogger();
    const delivery = new OutboxDelivery(outbox, new LocalBus(logger), logger);
    await delivery.stop();
    await expect(delivery.accept([event('late')])).rejects.toThrow('the local stack is stopping');
    expect(await outbox.list(10)).toEqual([]);
    await outbox.add([event('stored')]);
    expect(await delivery.redeliver()).toBe(0);
  });
});
