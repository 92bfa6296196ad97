import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openDatabase,
  type SqliteDatabase,
} from '../../../../../functions/adapters/local/sqlite/database.ts';
import { SqliteClientStore } from '../../../../../functions/adapters/local/sqlite/sqliteClientStore.ts';
import { encodeContinuationToken } from '../../../../../functions/adapters/continuationToken.ts';
import type { ClientRecord } from '../../../../../functions/ports/clientStore.ts';
import { ConditionFailed } from '../../../../../functions/ports/store.ts';
import { manualClock } from '../../../../contracts/adapters.ts';

/** Clients in SQLite (functions/adapters/local/sqlite/sqliteClientStore.ts), with an injected clock. */
let database: SqliteDatabase;
let store: SqliteClientStore;
const clock = manualClock(Date.parse('2030-01-01T00:00:00Z'));
beforeAll(() => {
  database = openDatabase(':memory:');
  store = new SqliteClientStore(database, { clock });
});
afterAll(() => database.close());

const client = (clientId: string, extra: Partial<ClientRecord> = {}): ClientRecord => ({
  clientId,
  description: clientId,
  scopes: ['hooks:read:*'],
  expires: '2040-01-01T00:00:00.000Z',
  disabled: false,
  created: '2030-01-01T00:00:00.000Z',
  lastModified: '2030-01-01T00:00:00.000Z',
  lastDateUsed: '2030-01-01T00:00:00.000Z',
  lastRotated: '2030-01-01T00:00:00.000Z',
  accessTokenHash: 'hash',
  accessTokenSalt: 'salt',
  version: 1,
  ...extra,
});

describe('SqliteClientStore', () => {
  it('creates a client once; a second create is ConditionFailed', async () => {
    await store.createClient(client('ci/one'));
    expect(await store.getClient('ci/one')).toEqual(client('ci/one'));
    await expect(store.createClient(client('ci/one', { description: 'other' }))).rejects.toBeInstanceOf(
      ConditionFailed,
    );
    expect((await store.getClient('ci/one'))!.description).toBe('ci/one');
    expect(await store.getClient('nobody')).toBeUndefined();
  });

  it('replaces only at the version expected', async () => {
    await store.replaceClient(client('ci/one', { description: 'v2', version: 2 }), 1);
    await expect(
      store.replaceClient(client('ci/one', { description: 'stale', version: 2 }), 1),
    ).rejects.toBeInstanceOf(ConditionFailed);
    expect((await store.getClient('ci/one'))!.description).toBe('v2');
  });

  it('notes a use only when the last one is older than notBefore', async () => {
    await store.touchClient('ci/one', '2030-01-01T00:00:30.000Z', '2029-12-31T23:59:00.000Z');
    expect((await store.getClient('ci/one'))!.lastDateUsed).toBe('2030-01-01T00:00:00.000Z');
    await store.touchClient('ci/one', '2030-01-01T00:02:00.000Z', '2030-01-01T00:01:00.000Z');
    expect((await store.getClient('ci/one'))!.lastDateUsed).toBe('2030-01-01T00:02:00.000Z');
  });

  it('lists by prefix in id order, a page at a time; a token of another listing is a 400', async () => {
    for (const id of ['ci/two', 'ci/three', 'ops/a']) await store.createClient(client(id));
    const first = await store.listClients({ limit: 2, prefix: 'ci/' });
    expect(first.items.map((c) => c.clientId)).toEqual(['ci/one', 'ci/three']);
    const second = await store.listClients({
      limit: 2,
      prefix: 'ci/',
      continuationToken: first.continuationToken,
    });
    expect(second.items.map((c) => c.clientId)).toEqual(['ci/two']);
    expect(second.continuationToken).toBeUndefined();
    const forged = encodeContinuationToken({ pk: 'HOOK', sk: 'x' });
    await expect(store.listClients({ limit: 2, continuationToken: forged })).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('deletes a client, saying whether there was one', async () => {
    expect(await store.deleteClient('ops/a')).toBe(true);
    expect(await store.deleteClient('ops/a')).toBe(false);
  });

  it('keeps a client’s audit newest first, a page at a time', async () => {
    for (const minute of [1, 2, 3])
      await store.putClientAudit({
        clientId: 'ci/one',
        time: `2030-01-01T00:0${minute}:00.000Z`,
        action: 'update',
      } as never);
    const first = await store.listClientAudit('ci/one', { limit: 2 });
    expect(first.items.map((a) => a.time)).toEqual(['2030-01-01T00:03:00.000Z', '2030-01-01T00:02:00.000Z']);
    const second = await store.listClientAudit('ci/one', {
      limit: 2,
      continuationToken: first.continuationToken,
    });
    expect(second.items.map((a) => a.time)).toEqual(['2030-01-01T00:01:00.000Z']);
    expect((await store.listClientAudit('ci/two', { limit: 2 })).items).toEqual([]);
  });

  it('claims a Hawk nonce once; once its expiry passed (by the clock) it can be claimed again', async () => {
    const expiresAt = clock.seconds() + 60;
    expect(await store.claimNonce('ci/one', '1:n', expiresAt)).toBe(true);
    expect(await store.claimNonce('ci/one', '1:n', expiresAt)).toBe(false);
    expect(await store.claimNonce('ci/two', '1:n', expiresAt)).toBe(true);
    clock.advance(61_000);
    expect(await store.claimNonce('ci/one', '1:n', clock.seconds() + 60)).toBe(true);
  });
});
