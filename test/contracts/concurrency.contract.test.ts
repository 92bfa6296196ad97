import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConcurrencyStore } from '../../functions/ports/concurrencyStore.ts';
import { ConditionFailed } from '../../functions/ports/store.ts';
import { CONTRACT_ADAPTERS, manualClock, uniqueId } from './adapters.ts';

/** The ConcurrencyStore port's contract, the same for every adapter (test/contracts/adapters.ts). */
for (const adapter of CONTRACT_ADAPTERS) {
  describe.skipIf(adapter.skip !== undefined)(
    `ConcurrencyStore contract: ${adapter.name}${adapter.skip ? ` (skipped: ${adapter.skip})` : ''}`,
    () => {
      let concurrency: ConcurrencyStore;
      let close: () => Promise<void>;
      beforeAll(async () => {
        const opened = await adapter.open(manualClock());
        concurrency = opened.concurrency;
        close = opened.close;
      });
      afterAll(async () => {
        await close?.();
      });

      it('a semaphore is created at version 0 once, then written only at its current version', async () => {
        const g = uniqueId('g');
        expect(await concurrency.getSemaphore(g, 'h')).toBeUndefined();
        await concurrency.putSemaphore(g, 'h', { holders: { 'run-1': 1_900_000_000_000 }, version: 1 }, 0);
        await expect(concurrency.putSemaphore(g, 'h', { holders: {}, version: 1 }, 0)).rejects.toBeInstanceOf(
          ConditionFailed,
        );
        expect(await concurrency.getSemaphore(g, 'h')).toEqual({
          holders: { 'run-1': 1_900_000_000_000 },
          version: 1,
        });
        await concurrency.putSemaphore(g, 'h', { holders: { 'run-1': 1, 'run-2': 2 }, version: 2 }, 1);
        await expect(concurrency.putSemaphore(g, 'h', { holders: {}, version: 2 }, 1)).rejects.toBeInstanceOf(
          ConditionFailed,
        );
        await expect(
          concurrency.putSemaphore(uniqueId('g'), 'h', { holders: {}, version: 2 }, 1),
        ).rejects.toBeInstanceOf(ConditionFailed);
        await concurrency.putSemaphore(g, 'h', { holders: {}, version: 3 }, 2);
        expect(await concurrency.getSemaphore(g, 'h')).toEqual({ holders: {}, version: 3 });
      });

      it('of N concurrent writes at one version exactly one wins', async () => {
        const g = uniqueId('g');
        await concurrency.putSemaphore(g, 'h', { holders: {}, version: 1 }, 0);
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            concurrency.putSemaphore(g, 'h', { holders: { [`run-${i}`]: i }, version: 2 }, 1),
          ),
        );
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        expect(await concurrency.getSemaphore(g, 'h')).toEqual({
          holders: { [`run-${won[0]}`]: won[0] },
          version: 2,
        });
      });

      it('the queue is FIFO by position, peeks up to the limit, and one dequeue of a run wins', async () => {
        const g = uniqueId('g');
        // enqueued out of order: c, a, b, d; positions order them a, b, c, d
        const runs = ['c', 'a', 'b', 'd'].map((x) => ({
          runId: `run-${x}`,
          position: `2030-01-01T00:00:0${'abcd'.indexOf(x)}.000Z#run-${x}`,
        }));
        for (const run of runs) await concurrency.enqueue(g, 'h', run);
        const sorted = ['a', 'b', 'c', 'd'].map((x) => runs.find((r) => r.runId === `run-${x}`)!);
        expect(await concurrency.peekQueue(g, 'h', 10)).toEqual(sorted);
        expect(await concurrency.peekQueue(g, 'h', 2)).toEqual(sorted.slice(0, 2));
        expect(await concurrency.peekQueue(g, 'other', 2)).toEqual([]);
        const results = await Promise.all(
          Array.from({ length: 6 }, () => concurrency.dequeue(g, 'h', sorted[0]!)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await concurrency.dequeue(g, 'h', sorted[0]!)).toBe(false);
        expect(await concurrency.peekQueue(g, 'h', 10)).toEqual(sorted.slice(1));
      });

      const busy = async (g: string) =>
        (await concurrency.listBusyHooks())
          .filter((hook) => hook.hookGroupId === g)
          .map((hook) => hook.hookId)
          .sort();

      it('listBusyHooks: a hook with a queued run is listed until its queue is empty and it is forgotten', async () => {
        const g = uniqueId('g');
        const run = { runId: 'run-q', position: '2030-01-01T00:00:00.000Z#run-q' };
        expect(await busy(g)).toEqual([]);
        await concurrency.enqueue(g, 'queued', run);
        expect(await busy(g)).toEqual(['queued']);
        await concurrency.forgetIfIdle(g, 'queued', Date.parse('2030-01-01T00:00:00.000Z'));
        expect(await busy(g)).toEqual(['queued']);
        expect(await concurrency.dequeue(g, 'queued', run)).toBe(true);
        await concurrency.forgetIfIdle(g, 'queued', Date.parse('2030-01-01T00:00:00.000Z'));
        expect(await busy(g)).toEqual([]);
        // listed again by the next enqueue; forgetting a hook that is not listed does nothing
        await concurrency.enqueue(g, 'queued', run);
        expect(await busy(g)).toEqual(['queued']);
        await concurrency.forgetIfIdle(g, 'never-busy', 0);
        expect(await busy(g)).toEqual(['queued']);
      });

      it('listBusyHooks: a hook with a holder stays listed while the lease is live at the given time', async () => {
        const g = uniqueId('g');
        const lease = Date.parse('2030-01-01T00:01:00.000Z');
        await concurrency.putSemaphore(g, 'held', { holders: { 'run-1': lease }, version: 1 }, 0);
        expect(await busy(g)).toEqual(['held']);
        await concurrency.forgetIfIdle(g, 'held', lease - 1);
        expect(await busy(g)).toEqual(['held']);
        await concurrency.forgetIfIdle(g, 'held', lease);
        expect(await busy(g)).toEqual([]);
        // a later acquire lists it again
        await concurrency.putSemaphore(g, 'held', { holders: { 'run-2': lease + 60_000 }, version: 2 }, 1);
        expect(await busy(g)).toEqual(['held']);
        // released: nothing live, nothing queued
        await concurrency.putSemaphore(g, 'held', { holders: {}, version: 3 }, 2);
        await concurrency.forgetIfIdle(g, 'held', lease);
        expect(await busy(g)).toEqual([]);
      });
    },
  );
}
