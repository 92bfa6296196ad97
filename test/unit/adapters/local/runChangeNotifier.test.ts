import { describe, expect, it } from 'vitest';
import { notifyingStore, RunChangeNotifier } from '../../../../functions/adapters/local/runChangeNotifier.ts';
import { inProcessServices } from '../../app/inProcessServices.ts';
import { firedRun } from '../../app/firedRun.ts';

/** Run changes told at once locally (functions/adapters/local/runChangeNotifier.ts). */
describe('RunChangeNotifier', () => {
  it('tells the watchers of that run only, until they unsubscribe', () => {
    const notifier = new RunChangeNotifier();
    const told: string[] = [];
    const stopA = notifier.watch('a', () => told.push('a1'));
    notifier.watch('a', () => told.push('a2'));
    notifier.watch('b', () => told.push('b'));
    notifier.changed('a');
    expect(told).toEqual(['a1', 'a2']);
    stopA();
    stopA(); // twice is harmless
    notifier.changed('a');
    notifier.changed('nobody');
    expect(told).toEqual(['a1', 'a2', 'a2']);
  });

  it('the notifying store tells after each run, step and output write, and not after other calls', async () => {
    const env = await inProcessServices();
    try {
      const notifier = new RunChangeNotifier();
      const store = notifyingStore(env.services.store, notifier);
      const services = { ...env.services, store };
      const told: string[] = [];
      const runId = await firedRun(services, 'notify', 'h', { task: { name: 't', command: ['true'] } });
      notifier.watch(runId, () => told.push('changed'));
      await store.updateRun(runId, { status: 'running' });
      await store.updateStep(runId, 0, { status: 'running' });
      await store.putStepOutput(runId, 0, { stdout: 'x' });
      expect(told).toHaveLength(3);
      await store.getRun(runId);
      await store.getSteps(runId);
      await store.listAllHooks();
      expect(told).toHaveLength(3);
      // A failed write tells nobody.
      await expect(store.updateRun(runId, { status: 'finished' }, { status: 'pending' })).rejects.toThrow();
      expect(told).toHaveLength(3);
    } finally {
      await env.close();
    }
  });
});
