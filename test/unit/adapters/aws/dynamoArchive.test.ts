import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoArchive } from '../../../../functions/adapters/aws/dynamoArchive.ts';
import { openStores, type Stores } from '../../../../infra/local/stores.ts';
import { manualClock } from '../../../contracts/adapters.ts';
import { testStore } from '../../../support/testStore.ts';
import { archived, populate } from '../archiveFixture.ts';

/**
 * The one DynamoDB table as archived records and back (functions/adapters/aws/dynamoArchive.ts), on
 * in-memory dynalite: what another store archives (SQLite; a second dynalite under
 * HOOKLINE_TEST_STORE=dynamodb, as `npm run test:cloud` runs it on Node 22, where this machine's
 * better-sqlite3 build does not load), restored here, archives the same, and the DynamoDB adapters read it.
 */
let source: Stores;
let dynamo: Stores;
beforeAll(async () => {
  source = await openStores({ store: testStore(), dataDir: null, clock: manualClock() });
  dynamo = await openStores({ store: 'dynamodb', dataDir: null, clock: manualClock() });
  await populate(source);
});
afterAll(async () => {
  await source?.close();
  await dynamo?.close();
});

describe('DynamoArchive', () => {
  it('restores every kind of record and archives them back the same', async () => {
    expect(dynamo.archive).toBeInstanceOf(DynamoArchive);
    expect(await dynamo.archive.isEmpty()).toBe(true);
    const records = await archived(source.archive);
    await dynamo.archive.restore(records);
    expect(await dynamo.archive.isEmpty()).toBe(false);
    expect(await archived(dynamo.archive)).toEqual(records);
  });

  it('the DynamoDB adapters read what was restored: the hook, the unfinished run, the key, the outbox', async () => {
    const hook = await dynamo.store.getHook('arc', 'hook');
    expect(hook?.definition).toMatchObject({ hookGroupId: 'arc', hookId: 'hook' });
    const unfinished = await dynamo.store.listUnfinishedRunIds();
    expect(unfinished.length).toBeGreaterThan(0);
    expect(await dynamo.store.findIdempotentRun('arc', 'hook', 'key-1')).toMatchObject({
      runId: expect.any(String),
    });
    expect((await dynamo.outbox.list(10)).map((e) => e.event.id)).toEqual(['e1']);
    expect(await dynamo.hookTypes.getHookType('kind')).toMatchObject({ name: 'kind' });
  });
});
