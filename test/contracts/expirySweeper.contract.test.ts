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
      const fireRecord = (runId: string, expiresAt?: number) => ({
        hookGroupId: g,
        hookId: 'h',
        firedBy: 'schedule' as const,
        time: `2030-01-01T00:00:00.000Z`,
        runId,
        result: 'success' as const,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      // expired: a finished run with its fire, two steps, an output and an idempotency key; a nonce
      expect(
        await store.createRun({
          run: run('old'),
          steps: [0, 1].map((index) => ({
            runId: 'old',
            index,
            phase: 'task',
            name: `s${index}`,
            status: 'pending',
          })),
          fire: fireRecord('old', past),
          idempotency: { key: 'old-key', expiresAt: past, fingerprint: 'fp-old' },
          expiresAt: past,
        }),
      ).toEqual({ kind: 'created' });
      await store.updateRun('old', { status: 'finished', result: 'succeeded' });
      await store.putStepOutput('old', 0, { stdout: 'x' }, past);
      await clients.claimNonce('client', `${g}-old`, past);
      // kept: expiring now (not yet past), later, or never
      await store.putFire(fireRecord('now', now));
      await store.putFire(fireRecord('never'));
      expect(
        await store.createRun({
          run: run('kept'),
          steps: [{ runId: 'kept', index: 0, phase: 'task', name: 's', status: 'pending' }],
          fire: fireRecord('kept', future),
          idempotency: { key: 'new-key', expiresAt: future, fingerprint: 'fp-new' },
          expiresAt: future,
        }),
      ).toEqual({ kind: 'created' });
      expect(await store.createRun({ run: run('forever'), steps: [], fire: fireRecord('forever') })).toEqual({
        kind: 'created',
      });
      await store.putStepOutput('kept', 0, { stdout: 'y' }, future);
      await store.putStepOutput('forever', 0, { stdout: 'z' });
      await clients.claimNonce('client', `${g}-new`, future);

      expect(await sweeper!.sweep()).toBe(7);
      expect(await sweeper!.sweep()).toBe(0);

      expect((await store.listFires(g, 'h', { limit: 10 })).items.map((f) => f.runId).sort()).toEqual([
        'forever',
        'kept',
        'never',
        'now',
      ]);
      expect(await store.getRun('old')).toBeUndefined();
      expect(await store.getSteps('old')).toEqual([]);
      expect(await store.getStepOutput('old', 0)).toBeUndefined();
      expect(await store.findIdempotentRun(g, 'h', 'old-key')).toBeUndefined();
      expect(await clients.claimNonce('client', `${g}-old`, future)).toBe(true);
      expect(await store.getRun('kept')).toBeDefined();
      expect(await store.getRun('forever')).toBeDefined();
      expect(await store.getSteps('kept')).toHaveLength(1);
      expect(await store.getStepOutput('kept', 0)).toEqual({ stdout: 'y' });
      expect(await store.getStepOutput('forever', 0)).toEqual({ stdout: 'z' });
      expect(await store.findIdempotentRun(g, 'h', 'new-key')).toEqual({
        runId: 'kept',
        fingerprint: 'fp-new',
      });
      expect(await clients.claimNonce('client', `${g}-new`, future)).toBe(false);
      expect((await store.listUnfinishedRunIds()).sort()).toEqual(['forever', 'kept']);
    });
  });
}
