import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientRecord, ClientStore } from '../../functions/ports/clientStore.ts';
import { ConditionFailed } from '../../functions/ports/store.ts';
import { CONTRACT_ADAPTERS, manualClock, uniqueId } from './adapters.ts';

/** The ClientStore port's contract, the same for every adapter (test/contracts/adapters.ts). */

function clientRecord(clientId: string, version = 1): ClientRecord {
  return {
    clientId,
    description: 'a client',
    scopes: ['hooks:trigger-hook:ci/*', 'hooks:get:*'],
    expires: '3000-01-01T00:00:00.000Z',
    disabled: false,
    created: '2030-01-01T00:00:00.000Z',
    lastModified: '2030-01-01T00:00:00.000Z',
    lastDateUsed: '2030-01-01T00:00:00.000Z',
    lastRotated: '2030-01-01T00:00:00.000Z',
    accessTokenHash: 'h'.repeat(64),
    accessTokenSalt: 's'.repeat(32),
    accessTokenNonce: 'n'.repeat(43),
    version,
  };
}

const refused = { code: 'InputError', statusCode: 400, message: expect.stringMatching(/continuationToken/) };

for (const adapter of CONTRACT_ADAPTERS) {
  describe.skipIf(adapter.skip !== undefined)(
    `ClientStore contract: ${adapter.name}${adapter.skip ? ` (skipped: ${adapter.skip})` : ''}`,
    () => {
      const clock = manualClock();
      let clients: ClientStore;
      let close: () => Promise<void>;
      beforeAll(async () => {
        const opened = await adapter.open(clock);
        clients = opened.clients;
        close = opened.close;
      });
      afterAll(async () => {
        await close?.();
      });

      it('round-trips every field; a second create is ConditionFailed; replace needs the version', async () => {
        const id = uniqueId('client');
        await clients.createClient(clientRecord(id));
        expect(await clients.getClient(id)).toEqual(clientRecord(id));
        await expect(clients.createClient(clientRecord(id))).rejects.toBeInstanceOf(ConditionFailed);
        const next = { ...clientRecord(id, 2), disabled: true, accessTokenNonce: undefined };
        await expect(clients.replaceClient(next, 7)).rejects.toBeInstanceOf(ConditionFailed);
        await clients.replaceClient(next, 1);
        const stored = await clients.getClient(id);
        expect(stored).toMatchObject({ disabled: true, version: 2 });
        expect(stored).not.toHaveProperty('accessTokenNonce');
        await expect(clients.replaceClient(clientRecord(uniqueId('none'), 2), 1)).rejects.toBeInstanceOf(
          ConditionFailed,
        );
        expect(await clients.getClient(uniqueId('none'))).toBeUndefined();
      });

      it('touch sets lastDateUsed only when it is older than notBefore, never creates, never bumps the version', async () => {
        const id = uniqueId('client');
        await clients.createClient(clientRecord(id));
        await clients.touchClient(id, '2030-01-01T00:00:30.000Z', '2029-12-31T23:59:00.000Z');
        expect((await clients.getClient(id))?.lastDateUsed).toBe('2030-01-01T00:00:00.000Z');
        await clients.touchClient(id, '2030-01-01T00:02:00.000Z', '2030-01-01T00:01:00.000Z');
        expect(await clients.getClient(id)).toMatchObject({
          lastDateUsed: '2030-01-01T00:02:00.000Z',
          version: 1,
        });
        const missing = uniqueId('none');
        await clients.touchClient(missing, '2030-01-01T00:02:00.000Z', '2030-01-01T00:01:00.000Z');
        expect(await clients.getClient(missing)).toBeUndefined();
      });

      it('delete says whether the client existed', async () => {
        const id = uniqueId('client');
        await clients.createClient(clientRecord(id));
        expect(await clients.deleteClient(id)).toBe(true);
        expect(await clients.deleteClient(id)).toBe(false);
        expect(await clients.getClient(id)).toBeUndefined();
      });

      it('lists by id with a prefix, every page walked with no duplicate and no miss; a bad token is refused', async () => {
        const prefix = uniqueId('list');
        const ids = Array.from({ length: 11 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
        for (const id of [...ids].reverse()) await clients.createClient(clientRecord(id));
        await clients.createClient(clientRecord(`${prefix}x-outside`));
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await clients.listClients({
            limit: 4,
            prefix: `${prefix}-`,
            continuationToken: token,
          });
          seen.push(...page.items.map((c) => c.clientId));
          token = page.continuationToken;
          pages++;
        } while (token && pages < 20);
        expect(seen).toEqual(ids);
        expect((await clients.listClients({ limit: 4, prefix: `${prefix}-` })).items[0]).toEqual(
          clientRecord(ids[0]!),
        );
        for (const bad of [
          'bogus',
          Buffer.from('{"pk":"CLIENT"}').toString('base64url'),
          Buffer.from('{"pk":"HOOK","sk":"x"}').toString('base64url'),
        ])
          await expect(clients.listClients({ limit: 4, continuationToken: bad })).rejects.toMatchObject(
            refused,
          );
      });

      it('client audit: newest first, paged with no duplicate and no miss; another client’s token refused', async () => {
        const id = uniqueId('client');
        for (let i = 0; i < 7; i++)
          await clients.putClientAudit({
            clientId: id,
            time: `2030-01-01T00:00:0${i}.000Z`,
            action: 'update',
            by: `actor-${i}`,
            changes: { scopes: { from: [], to: ['a'] } },
          });
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const page = await clients.listClientAudit(id, { limit: 3, continuationToken: token });
          seen.push(...page.items.map((a) => a.by));
          token = page.continuationToken;
        } while (token);
        expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `actor-${6 - i}`));
        const first = await clients.listClientAudit(id, { limit: 1 });
        expect(first.items[0]).toEqual({
          clientId: id,
          time: '2030-01-01T00:00:06.000Z',
          action: 'update',
          by: 'actor-6',
          changes: { scopes: { from: [], to: ['a'] } },
        });
        await expect(
          clients.listClientAudit(uniqueId('other'), {
            limit: 1,
            continuationToken: first.continuationToken,
          }),
        ).rejects.toMatchObject(refused);
      });

      it('a nonce is claimed once until it expires; of N concurrent claims exactly one wins', async () => {
        const id = uniqueId('client');
        const expiresAt = clock.seconds() + 60;
        expect(await clients.claimNonce(id, 'n1', expiresAt)).toBe(true);
        expect(await clients.claimNonce(id, 'n1', expiresAt)).toBe(false);
        expect(await clients.claimNonce(uniqueId('other'), 'n1', expiresAt)).toBe(true);
        clock.advance(60_000);
        expect(await clients.claimNonce(id, 'n1', expiresAt + 60)).toBe(false);
        clock.advance(1_000);
        expect(await clients.claimNonce(id, 'n1', clock.seconds() + 60)).toBe(true);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => clients.claimNonce(id, 'race', clock.seconds() + 60)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    },
  );
}
