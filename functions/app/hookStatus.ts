import type { HookDefinition } from '../core/hookDefinition.ts';
import { hookSchedules, nextOccurrence } from '../core/schedule/hookSchedules.ts';
import type { HookRecord } from '../ports/store.ts';
import { listFiresOfHook } from './hookFires.ts';
import type { Services } from './services.ts';

/**
 * The next time the hook fires after `now` (getHookStatus.nextScheduledDate): the scheduler's own answer
 * (core/schedule/hookSchedules.ts), `rate(...)` grids anchored at the hook's creation as it fires them.
 */
export function nextScheduledDate(
  hook: { definition: HookDefinition; createdAt: string },
  now: Date,
): string | undefined {
  return nextOccurrence(hookSchedules(hook.definition, new Date(hook.createdAt)), now)?.toISOString();
}

/** Taskcluster's getHookStatus: the last fire, the next scheduled time, and Hookline's scheduler bookkeeping. */
export async function getHookStatus(services: Services, hook: HookRecord) {
  const lastFire = await lastFireOf(services, hook);
  const next = nextScheduledDate(hook, services.clock.now());
  return {
    lastFire,
    ...(next ? { nextScheduledDate: next } : {}),
    ...(hook.missedOccurrences !== undefined ? { missedOccurrences: hook.missedOccurrences } : {}),
    ...(hook.outOfSync?.length ? { outOfSync: hook.outOfSync } : {}),
  };
}

/** How many of the newest fires getHookStatus looks through for one that fired or failed. */
const STATUS_FIRE_SCAN = 200;

/**
 * Taskcluster's `lastFire`: the newest fire that started a run (`success`) or failed (`error`), or
 * `no-fire`. Fires that started nothing on purpose (declined by the template, skipped by the
 * concurrency limit) are not what `lastFire` describes; they are rows of listLastFires.
 */
async function lastFireOf(services: Services, hook: HookRecord) {
  let continuationToken: string | undefined;
  let seen = 0;
  do {
    const page = await listFiresOfHook(services, hook, { limit: 50, continuationToken });
    for (const fire of page.items) {
      if (fire.result === 'success' || fire.result === 'queued') {
        const run = await services.store.getRun(fire.runId);
        return {
          result: 'success',
          runId: fire.runId,
          taskId: fire.runId,
          time: fire.time,
          runState: run?.status ?? null,
          runResult: run?.result ?? null,
        };
      }
      if (fire.result === 'error') {
        return {
          result: 'error',
          runId: fire.runId,
          taskId: fire.runId,
          time: fire.time,
          error: fire.error ?? 'error',
          runState: null,
          runResult: null,
        };
      }
    }
    seen += page.items.length;
    continuationToken = page.continuationToken;
  } while (continuationToken && seen < STATUS_FIRE_SCAN);
  return { result: 'no-fire' };
}
