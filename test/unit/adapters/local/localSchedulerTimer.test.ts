import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../../../functions/adapters/jsonLogger.ts';
import { LocalScheduler } from '../../../../functions/adapters/local/localScheduler.ts';
import type { Services } from '../../../../functions/app/services.ts';
import type { HookDefinition } from '../../../../functions/core/hookDefinition.ts';
import type { HookRecord } from '../../../../functions/ports/store.ts';

/**
 * Issue 16's idle cost: the local scheduler keeps one timer for the earliest next occurrence of all
 * hooks and looks at a hook only when it is due. Fake timers and a clock that reads them: no sleeps.
 */
const START = Date.parse('2030-01-01T00:00:00Z');

function record(hookId: string, schedule: string[]): HookRecord {
  const definition: HookDefinition = {
    hookGroupId: 'idle',
    hookId,
    metadata: { name: 'n', description: 'd', owner: 'o@example.com', emailOnError: true },
    task: {},
    schedule,
    bindings: [],
    triggerSchema: {},
    scheduleTimezone: 'UTC',
    catchUp: 'latest',
  };
  const at = new Date(START).toISOString();
  return {
    definition,
    triggerTokenHash: 'x',
    triggerTokenNonce: 'x',
    createdAt: at,
    updatedAt: at,
    version: 1,
    configVersion: 1,
    signingSecret: 'x',
  };
}

describe('the local scheduler wakes only when something is due', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('1,000 idle hooks: no hook is read until one is due, then only that one', async () => {
    // 1,000 hooks due once a day at 12:00, one hook due at 00:15 (it is gone when read: nothing fires).
    const hooks = Array.from({ length: 1000 }, (_, i) => record(`daily-${i}`, ['0 12 * * *']));
    const early = record('early', ['15 0 * * *']);
    const reads: string[] = [];
    const services = {
      clock: { now: () => new Date() },
      logger: memoryLogger(),
      store: {
        listAllHooks: async () => [...hooks, early],
        getHook: async (_g: string, hookId: string) => {
          reads.push(hookId);
          return undefined;
        },
      },
    } as unknown as Services;
    const scheduler = new LocalScheduler(services, { tickMs: 60_000 });
    await scheduler.start();
    try {
      expect(vi.getTimerCount()).toBe(1);
      expect(scheduler.nextDue('idle', 'early')?.toISOString()).toBe('2030-01-01T00:15:00.000Z');

      await vi.advanceTimersByTimeAsync(14 * 60_000 + 59_000);
      expect(reads).toEqual([]);
      expect(vi.getTimerCount()).toBe(1);

      await vi.advanceTimersByTimeAsync(1_000);
      await scheduler.runDue();
      expect(reads).toEqual(['early']);
      // The hook was gone: it is forgotten; the others still wait for 12:00.
      expect(scheduler.nextDue('idle', 'early')).toBeUndefined();
      expect(scheduler.nextDue('idle', 'daily-999')?.toISOString()).toBe('2030-01-01T12:00:00.000Z');

      await vi.advanceTimersByTimeAsync(11 * 3_600_000);
      expect(reads).toEqual(['early']);
      expect(vi.getTimerCount()).toBe(1);
    } finally {
      await scheduler.stop();
    }
  });

  it('re-arms when a hook changes: a new earlier schedule is looked at when it is due', async () => {
    const hooks = new Map([['later', record('later', ['0 12 * * *'])]]);
    const reads: string[] = [];
    const services = {
      clock: { now: () => new Date() },
      logger: memoryLogger(),
      store: {
        listAllHooks: async () => [...hooks.values()],
        getHook: async (_g: string, hookId: string) => {
          reads.push(hookId);
          return hookId === 'sooner' && reads.filter((r) => r === 'sooner').length === 1
            ? hooks.get(hookId)
            : undefined;
        },
      },
    } as unknown as Services;
    const scheduler = new LocalScheduler(services, { tickMs: 3_600_000 });
    await scheduler.start();
    try {
      hooks.set('sooner', record('sooner', ['5 0 * * *']));
      await scheduler.hookChanged(hooks.get('sooner')!.definition);
      expect(scheduler.nextDue('idle', 'sooner')?.toISOString()).toBe('2030-01-01T00:05:00.000Z');
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      await scheduler.runDue();
      expect(reads).toEqual(['sooner', 'sooner']);
    } finally {
      await scheduler.stop();
    }
  });
});
