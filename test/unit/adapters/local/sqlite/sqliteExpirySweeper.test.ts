import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openDatabase,
  type SqliteDatabase,
} from '../../../../../functions/adapters/local/sqlite/database.ts';
import { SqliteClientStore } from '../../../../../functions/adapters/local/sqlite/sqliteClientStore.ts';
import { SqliteExpirySweeper } from '../../../../../functions/adapters/local/sqlite/sqliteExpirySweeper.ts';
import { SqliteStore } from '../../../../../functions/adapters/local/sqlite/sqliteStore.ts';
import { manualClock } from '../../../../contracts/adapters.ts';

/** DynamoDB TTL's rule in SQLite (functions/adapters/local/sqlite/sqliteExpirySweeper.ts), by the injected clock. */
let database: SqliteDatabase;
const clock = manualClock(Date.parse('2030-01-01T00:00:00Z'));
beforeAll(() => {
  database = openDatabase(':memory:');
});
afterAll(() => database.close());

describe('SqliteExpirySweeper', () => {
  it('deletes what expired before now, in batches, and keeps the rest', async () => {
    const clients = new SqliteClientStore(database, { clock });
    const now = clock.seconds();
    // 1,200 expired nonces (more than one batch), 3 still valid.
    for (let i = 0; i < 1200; i++) await clients.claimNonce('c', `old-${i}`, now + 10);
    for (let i = 0; i < 3; i++) await clients.claimNonce('c', `new-${i}`, now + 1000);
    const store = new SqliteStore(database, { clock });
    await store.putStepOutput('run-x', 0, { stdout: 'x' }, now + 10);
    const sweeper = new SqliteExpirySweeper(database, () => clock.now());
    expect(await sweeper.sweep()).toBe(0);
    clock.advance(11_000);
    expect(await sweeper.sweep()).toBe(1201);
    expect(await store.getStepOutput('run-x', 0)).toBeUndefined();
    const remaining = database.connection.prepare('SELECT nonce FROM hawk_nonces ORDER BY nonce').all();
    expect(remaining).toEqual([{ nonce: 'new-0' }, { nonce: 'new-1' }, { nonce: 'new-2' }]);
    expect(await sweeper.sweep()).toBe(0);
  });
});
