import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepQueues } from '../../../functions/app/concurrency.ts';
import { fireHook } from '../../../functions/app/fireHook.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import { type RecoveryEngine, recoverRuns } from '../../../functions/app/recoverRuns.ts';
import type { Services } from '../../../functions/app/services.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/**
 * Concurrency limits across restarts, in process on the SQLite store with no stack (a stack's own
 * dispatcher would react to the store too; here the test alone plays the engine): recovery starts a
 * queued run only with a slot, a slot held by a finished run is released by the dispatcher at once,
 * and the queue sweep visits only hooks that have a queue or a held slot.
 */
let env: InProcessServices;
let services: Services;
let started: string[];
let hookReads = 0;
const engine: RecoveryEngine = {
  isLive: () => false,
  killStepProcess: async () => undefined,
  interruptedMessage: 'interrupted',
};

beforeAll(async () => {
  env = await inProcessServices();
  // Executions only recorded (inProcessServices); hook reads counted (the sweep's cost).
  started = env.started;
  const store = env.services.store;
  services = {
    ...env.services,
    store: new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'getHook' || property === 'listAllHooks') hookReads++;
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  };
});
afterAll(async () => {
  await env?.close();
});

const limited = (extra: Record<string, unknown> = {}) =>
  hookBody(
    { task: { name: 't', command: ['true'] } },
    { concurrency: { limit: 1, onLimit: 'queue' }, ...extra },
  );

/**
 * Fires at the same instant as the previous fire (the injected clock does not move): a queue keeps the
 * order of the fires even within one millisecond (`queuePosition`, functions/app/concurrency.ts).
 */
async function fire(hookId: string): Promise<string> {
  const outcome = await fireHook(services, {
    hook: await getHook(services, 'rec', hookId),
    firedBy: 'triggerHook',
    payload: {},
  });
  return outcome.runId;
}

describe('concurrency across restarts', () => {
  it('recovery resumes the run that held the slot and leaves the queued ones queued', async () => {
    await createHook(services, 'rec', 'one', limited(), { scopes: ['*'] });
    started.length = 0;
    const a = await fire('one');
    const b = await fire('one');
    const c = await fire('one');
    expect(started).toEqual([a]);
    await services.store.updateRun(a, { status: 'running' });
    started.length = 0;
    // A restart: nothing is live; the three runs are unfinished.
    await recoverRuns(services, engine, { atStart: true });
    expect(started).toEqual([a]);
    // The slot's run finishes (the finish path cut before releasing): the dispatcher frees it at once.
    await services.store.updateRun(a, { status: 'finished', result: 'succeeded' });
    started.length = 0;
    await sweepQueues(services);
    expect(started).toEqual([b]);
    expect(started).not.toContain(c);
  });

  it('runs fired in the same millisecond start in the order they were fired, before and after a restart', async () => {
    await createHook(services, 'rec', 'burst', limited(), { scopes: ['*'] });
    started.length = 0;
    const fired: string[] = [];
    for (let i = 0; i < 30; i++) fired.push(await fire('burst'));
    expect(started).toEqual([fired[0]]);
    // A restart re-enqueues the queued runs at their recorded positions.
    await recoverRuns(services, engine, { atStart: true });
    for (let i = 1; i < fired.length; i++) {
      await services.store.updateRun(fired[i - 1]!, { status: 'finished', result: 'succeeded' });
      started.length = 0;
      await sweepQueues(services);
      expect(started).toEqual([fired[i]]);
    }
    await services.store.updateRun(fired.at(-1)!, { status: 'finished', result: 'succeeded' });
  });

  it('a queue entry of a run that already finished never takes the slot', async () => {
    await createHook(services, 'rec', 'two', limited(), { scopes: ['*'] });
    started.length = 0;
    const a = await fire('two');
    const b = await fire('two');
    await services.store.updateRun(b, { status: 'finished', result: 'succeeded' });
    await services.concurrency.enqueue('rec', 'two', { runId: b, position: '0000#stale' });
    await services.store.updateRun(a, { status: 'finished', result: 'succeeded' });
    const c = await fire('two');
    expect(started).toEqual([a, c]);
    const semaphore = await services.concurrency.getSemaphore('rec', 'two');
    expect(Object.keys(semaphore?.holders ?? {})).toEqual([c]);
  });

  it('the queue sweep reads only hooks with a queue or a held slot', async () => {
    for (let i = 0; i < 20; i++) await createHook(services, 'idle', `h${i}`, limited(), { scopes: ['*'] });
    // Earlier tests left busy hooks: settle them, then the index is empty.
    for (const { hookGroupId, hookId } of await services.concurrency.listBusyHooks()) {
      const semaphore = await services.concurrency.getSemaphore(hookGroupId, hookId);
      for (const runId of Object.keys(semaphore?.holders ?? {}))
        await services.store.updateRun(runId, { status: 'finished', result: 'succeeded' });
      for (const queued of await services.concurrency.peekQueue(hookGroupId, hookId, 100))
        await services.store.updateRun(queued.runId, { status: 'finished', result: 'succeeded' });
    }
    await sweepQueues(services);
    await sweepQueues(services);
    hookReads = 0;
    await sweepQueues(services);
    expect(hookReads).toBe(0);
    expect(await services.concurrency.listBusyHooks()).toEqual([]);
  });
});
