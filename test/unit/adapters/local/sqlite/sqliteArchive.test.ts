import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteArchive } from '../../../../../functions/adapters/local/sqlite/sqliteArchive.ts';
import { openStores, type Stores } from '../../../../../infra/local/stores.ts';
import { manualClock } from '../../../../contracts/adapters.ts';
import { archived, EVERY_ARCHIVED_KIND, kindsOf, populate } from '../../archiveFixture.ts';

/** The SQLite store as archived records and back (functions/adapters/local/sqlite/sqliteArchive.ts). */
let source: Stores;
let target: Stores;
beforeAll(async () => {
  source = await openStores({ store: 'sqlite', dataDir: null, clock: manualClock() });
  target = await openStores({ store: 'sqlite', dataDir: null, clock: manualClock() });
  await populate(source);
});
afterAll(async () => {
  await source?.close();
  await target?.close();
});

describe('SqliteArchive', () => {
  it('yields every kind of record the store holds', async () => {
    expect(source.archive).toBeInstanceOf(SqliteArchive);
    expect(kindsOf(await archived(source.archive))).toEqual(EVERY_ARCHIVED_KIND);
  });

  it('restores into an empty store exactly what it archived, readable through the ports', async () => {
    expect(await target.archive.isEmpty()).toBe(true);
    const records = await archived(source.archive);
    await target.archive.restore(records);
    expect(await target.archive.isEmpty()).toBe(false);
    expect(await archived(target.archive)).toEqual(records);
    const hook = records.find((r) => r.kind === 'hook')!;
    expect(await target.store.getHook('arc', 'hook')).toEqual(hook.record);
    expect((await target.outbox.list(10)).map((e) => e.event.id)).toEqual(['e1']);
  });
});
