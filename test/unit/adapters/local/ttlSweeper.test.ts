import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../../../functions/adapters/aws/documentClient.ts';
import {
  type DynaliteHandle,
  ensureTable,
  startDynalite,
} from '../../../../functions/adapters/local/dynaliteServer.ts';
import { TtlSweeper } from '../../../../functions/adapters/local/ttlSweeper.ts';
import { manualClock } from '../../../contracts/adapters.ts';

/** DynamoDB TTL's stand-in on dynalite (functions/adapters/local/ttlSweeper.ts), by the injected clock. */
const TABLE = 'ttl';
let dynamo: DynaliteHandle;
beforeAll(async () => {
  dynamo = await startDynalite(undefined);
  await ensureTable(dynamo.client, TABLE);
});
afterAll(async () => {
  await dynamo?.close();
});

describe('TtlSweeper', () => {
  it('deletes the items whose expiresAt passed, more than one batch of them, and keeps the rest', async () => {
    const clock = manualClock(Date.parse('2030-01-01T00:00:00Z'));
    const doc = documentClient(dynamo.client);
    const now = clock.seconds();
    const put = (sk: string, expiresAt?: number) =>
      doc.send(
        new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk, ...(expiresAt ? { expiresAt } : {}) } }),
      );
    for (let i = 0; i < 60; i++) await put(`old-${String(i).padStart(2, '0')}`, now + 10);
    await put('later', now + 1000);
    await put('forever');
    const sweeper = new TtlSweeper(dynamo.client, TABLE, () => clock.now());
    expect(await sweeper.sweep()).toBe(0);
    clock.advance(11_000);
    expect(await sweeper.sweep()).toBe(60);
    const left = await doc.send(new ScanCommand({ TableName: TABLE }));
    expect((left.Items ?? []).map((i) => i.sk).sort()).toEqual(['forever', 'later']);
    expect(await sweeper.sweep()).toBe(0);
  });
});
