import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../functions/core/runModel.ts';
import { CONTRACT_ADAPTERS, manualClock, uniqueId } from './adapters.ts';

/**
 * The expiry sweeper's contract (DynamoDB TTL locally), for the local stores: it deletes every record
 * whose `expiresAt` has passed — fires, runs, steps, outputs, idempotency keys, Hawk nonces — and only
 * those. Not run against real DynamoDB, whose own TTL does this.
 */
const local = CONTRACT_ADAPTERS.filter((adapter) => !adapter.shared);

for (const adapter of local) {
  describe(`ExpirySweeper contract: ${adapter.name}`, () => {
    const clock = manualClock();
    let opened: Awaited<ReturnType<(typeof adapter)['open']>>;
    beforeAll(async () => {
      opened = await adapter.open(clock);
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('deletes the expired records and only those', async () => {
      const { store, clients, sweeper } = opened;
      const g = uniqueId('g');
      const past = clock.seconds() - 1;
      const now = clock.seconds();
      const future = clock.seconds() + 3600;
      const run = (runId: string): RunRecord => ({
        runId,
        hookGroupId: g,
        hookId: 'h',
        firedBy: 'triggerHook',
        status: 'pending',
        result: null,
        createdAt: '2030-01-01T00:00:00.000Z',
        job: {} as RunRecord['job'],
        depth: 0,
      });
      const fire = (runId: string, expiresAt?: number) =>
        store.putFire({
          hookGroupId: g,
          hookId: 'h',
          firedBy: 'schedule',
          time: `2030-01-01T00:00:00.000Z`,
          runId,
          result: 'success',
          ...(expiresAt === undefined ? {} : { expiresAt }),
        });
      // expired: a fire, a finished run with two steps and an output, an idempotency key, a nonce
      await fire('old', past);
      await store.createRun(
        run('old'),
        [0, 1].map((index) => ({ runId: 'old', index, phase: 'task', name: `s${index}`, status: 'pending' })),
        past,
      );
      await store.updateRun('old', { status: 'finished', result: 'succeeded' });
      await store.putStepOutput('old', 0, { stdout: 'x' }, past);
      await store.claimIdempotencyKey(g, 'h', 'old-key', 'old', past);
      await clients.claimNonce('client', `${g}-old`, past);
      // kept: expiring now (not yet past), later, or never
      await fire('now', now);
      await fire('never');
      await store.createRun(
        run('kept'),
        [{ runId: 'kept', index: 0, phase: 'task', name: 's', status: 'pending' }],
        future,
      );
      await store.createRun(run('forever'), []);
      await store.putStepOutput('kept', 0, { stdout: 'y' }, future);
      await store.putStepOutput('forever', 0, { stdout: 'z' });
      await store.claimIdempotencyKey(g, 'h', 'new-key', 'kept', future);
      await clients.claimNonce('client', `${g}-new`, future);

      expect(await sweeper!.sweep()).toBe(7);
      expect(await sweeper!.sweep()).toBe(0);

      expect((await store.listFires(g, 'h', { limit: 10 })).items.map((f) => f.runId).sort()).toEqual([
        'never',
        'now',
      ]);
      expect(await store.getRun('old')).toBeUndefined();
      expect(await store.getSteps('old')).toEqual([]);
      expect(await store.getStepOutput('old', 0)).toBeUndefined();
      expect(await store.claimIdempotencyKey(g, 'h', 'old-key', 'again', future)).toBeUndefined();
      expect(await clients.claimNonce('client', `${g}-old`, future)).toBe(true);
      expect(await store.getRun('kept')).toBeDefined();
      expect(await store.getRun('forever')).toBeDefined();
      expect(await store.getSteps('kept')).toHaveLength(1);
      expect(await store.getStepOutput('kept', 0)).toEqual({ stdout: 'y' });
      expect(await store.getStepOutput('forever', 0)).toEqual({ stdout: 'z' });
      expect(await store.claimIdempotencyKey(g, 'h', 'new-key', 'other', future)).toBe('kept');
      expect(await clients.claimNonce('client', `${g}-new`, future)).toBe(false);
      expect((await store.listUnfinishedRunIds()).sort()).toEqual(['forever', 'kept']);
    });
  });
}
