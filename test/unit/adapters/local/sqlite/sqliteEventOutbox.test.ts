import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openDatabase,
  type SqliteDatabase,
} from '../../../../../functions/adapters/local/sqlite/database.ts';
import { SqliteEventOutbox } from '../../../../../functions/adapters/local/sqlite/sqliteEventOutbox.ts';
import type { DeliveredEvent } from '../../../../../functions/ports/bus.ts';

/** The local EventBridge endpoint's outbox in SQLite (functions/adapters/local/sqlite/sqliteEventOutbox.ts). */
let database: SqliteDatabase;
let outbox: SqliteEventOutbox;
beforeAll(() => {
  database = openDatabase(':memory:');
  outbox = new SqliteEventOutbox(database);
});
afterAll(() => database.close());

const event = (id: string): DeliveredEvent => ({ id, source: 's', 'detail-type': 'd', detail: { id } });

describe('SqliteEventOutbox', () => {
  it('stores a batch in order and lists the oldest first, bounded', async () => {
    const entries = await outbox.add([event('a'), event('b'), event('c')]);
    expect(entries.map((e) => e.event.id)).toEqual(['a', 'b', 'c']);
    expect(entries.map((e) => Number(e.position))).toEqual([1, 2, 3]);
    expect((await outbox.list(2)).map((e) => e.event)).toEqual([event('a'), event('b')]);
  });

  it('removes an entry; a position is never handed out again', async () => {
    const [first] = await outbox.list(1);
    await outbox.remove(first!);
    await outbox.remove(first!);
    await outbox.remove({ position: 'not-a-number', event: event('x') });
    const [added] = await outbox.add([event('d')]);
    expect(Number(added!.position)).toBe(4);
    expect((await outbox.list(10)).map((e) => e.event.id)).toEqual(['b', 'c', 'd']);
  });

  it('a batch is stored whole or not at all', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(outbox.add([event('e'), { ...event('f'), detail: circular }])).rejects.toThrow();
    expect((await outbox.list(10)).map((e) => e.event.id)).toEqual(['b', 'c', 'd']);
  });
});
