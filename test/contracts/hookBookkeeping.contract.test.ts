import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HookDefinition } from '../../functions/core/hookDefinition.ts';
import type { HookRecord, Store } from '../../functions/ports/store.ts';
import { CONTRACT_ADAPTERS, manualClock, uniqueId } from './adapters.ts';

/**
 * Issue 15: the scheduler's and the trigger sync's bookkeeping (`lastScheduledAt`, `missedOccurrences`,
 * `outOfSync`) is written by targeted updates that leave the hook's version alone, and a user's edit
 * (replaceHook) leaves the bookkeeping alone — so neither can undo or block the other. The same for
 * every store adapter (test/contracts/adapters.ts).
 */
let g = 'books';

function hook(hookId: string): HookRecord {
  const definition: HookDefinition = {
    hookGroupId: g,
    hookId,
    metadata: { name: 'n', description: 'd', owner: 'o@example.com', emailOnError: true },
    task: {},
    schedule: ['* * * * *'],
    bindings: [],
    triggerSchema: {},
    scheduleTimezone: 'UTC',
    catchUp: 'latest',
  };
  return {
    definition,
    triggerTokenHash: 'hash',
    triggerTokenNonce: 'nonce',
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    version: 1,
    configVersion: 1,
    signingSecret: 'secret',
  };
}

for (const adapter of CONTRACT_ADAPTERS) {
  describe.skipIf(adapter.skip !== undefined)(
    `hook bookkeeping contract: ${adapter.name}${adapter.skip ? ` (skipped: ${adapter.skip})` : ''}`,
    () => {
      let store: Store;
      let close: () => Promise<void>;
      beforeAll(async () => {
        g = uniqueId('books');
        const opened = await adapter.open(manualClock());
        store = opened.store;
        close = opened.close;
      });
      afterAll(async () => {
        await close?.();
      });

      it('moves the watermark forward only, adds missed occurrences, and never bumps the version', async () => {
        await store.createHook(hook('watermark'));
        await store.updateHookBookkeeping(g, 'watermark', {
          lastScheduledAt: '2030-01-01T00:05:00.000Z',
          addMissedOccurrences: 3,
        });
        // An older watermark is ignored, but its missed count still adds.
        await store.updateHookBookkeeping(g, 'watermark', {
          lastScheduledAt: '2030-01-01T00:04:00.000Z',
          addMissedOccurrences: 2,
        });
        const stored = await store.getHook(g, 'watermark');
        expect(stored).toMatchObject({
          version: 1,
          lastScheduledAt: '2030-01-01T00:05:00.000Z',
          missedOccurrences: 5,
        });
        await store.updateHookBookkeeping(g, 'watermark', { lastScheduledAt: '2030-01-01T00:06:00.000Z' });
        expect(await store.getHook(g, 'watermark')).toMatchObject({
          version: 1,
          lastScheduledAt: '2030-01-01T00:06:00.000Z',
          missedOccurrences: 5,
        });
      });

      it('sets and clears outOfSync', async () => {
        await store.createHook(hook('sync'));
        await store.updateHookBookkeeping(g, 'sync', { outOfSync: ['rule 0 failed: throttled'] });
        expect((await store.getHook(g, 'sync'))?.outOfSync).toEqual(['rule 0 failed: throttled']);
        await store.updateHookBookkeeping(g, 'sync', { outOfSync: [] });
        const cleared = await store.getHook(g, 'sync');
        expect(cleared?.outOfSync).toBeUndefined();
        expect(cleared?.version).toBe(1);
      });

      it("neither races a user's edit: the edit keeps its version check and the bookkeeping survives it", async () => {
        await store.createHook(hook('race'));
        const readByUser = (await store.getHook(g, 'race'))!;
        await store.updateHookBookkeeping(g, 'race', {
          lastScheduledAt: '2030-01-01T01:00:00.000Z',
          addMissedOccurrences: 1,
          outOfSync: ['schedule drifted'],
        });
        // The user's edit was read before the scheduler wrote: it still applies (the version did not move)...
        const edited: HookRecord = {
          ...readByUser,
          definition: { ...readByUser.definition, schedule: ['0 * * * *'] },
          version: readByUser.version + 1,
        };
        await store.replaceHook(edited, readByUser.version);
        // ...and does not undo the bookkeeping it never saw.
        expect(await store.getHook(g, 'race')).toMatchObject({
          version: 2,
          definition: { schedule: ['0 * * * *'] },
          lastScheduledAt: '2030-01-01T01:00:00.000Z',
          missedOccurrences: 1,
          outOfSync: ['schedule drifted'],
        });
      });

      it('leaves a hook that does not exist nonexistent', async () => {
        await store.updateHookBookkeeping(g, 'gone', {
          lastScheduledAt: '2030-01-01T00:00:00.000Z',
          addMissedOccurrences: 1,
          outOfSync: ['x'],
        });
        expect(await store.getHook(g, 'gone')).toBeUndefined();
      });

      it('removes an optional field the new record no longer has (a replace, not a merge)', async () => {
        await store.createHook({ ...hook('optional'), runCommands: true });
        const read = (await store.getHook(g, 'optional'))!;
        const { runCommands: _dropped, ...without } = read;
        await store.replaceHook({ ...without, version: 2 }, 1);
        expect((await store.getHook(g, 'optional'))?.runCommands).toBeUndefined();
      });

      it('writes a pending-sync mark the edit carries, with the definition', async () => {
        await store.createHook(hook('mark'));
        const read = (await store.getHook(g, 'mark'))!;
        await store.replaceHook({ ...read, version: 2, outOfSync: ['being applied'] }, 1);
        expect((await store.getHook(g, 'mark'))?.outOfSync).toEqual(['being applied']);
      });
    },
  );
}
