import { type HookDefinition, sameDefinition } from '../core/hookDefinition.ts';
import type { Services } from './services.ts';

/**
 * After a hook is stored, its schedules (in the cloud, EventBridge Scheduler resources) follow. The hook
 * never disagrees with its triggers silently:
 *
 * - the write that stores a definition also marks the hook out of sync (`SYNC_PENDING`, see
 *   `pendingSyncMark`), so a process killed while the triggers are being changed leaves a hook that says so;
 * - once the triggers match, the mark is cleared — only if the stored definition is still the one
 *   applied (a later change keeps its own mark); a failure replaces the mark with what went wrong;
 * - `reconcileHook` (POST …/reconcile) and `repairOutOfSyncHooks` (periodic: the cloud's trigger-repair
 *   schedule, and once at a local start) apply the stored definition again.
 */
export const SYNC_PENDING = 'rules/schedules are being applied';

/** A hook whose mark is younger than this may still be in the hands of the request that set it. */
export const REPAIR_GRACE_MS = 60_000;
/**
 * Hooks repaired per periodic pass; the rest wait for the next. A hook of 100 schedules is about twenty
 * rounds of Scheduler calls, so ten fit the api function's 29 s.
 */
export const REPAIR_BATCH = 10;

/** The mark the write of a definition carries when something must bring its triggers in line. */
export function pendingSyncMark(services: Services): { outOfSync?: string[] } {
  return services.triggers ? { outOfSync: [SYNC_PENDING] } : {};
}

export async function syncHookTriggers(services: Services, definition: HookDefinition): Promise<void> {
  if (!services.triggers) return;
  let problem: string | undefined;
  try {
    await services.triggers.sync(definition);
  } catch (error) {
    problem = `rules/schedules not updated: ${(error as Error).message}`;
    services.logger.error('trigger sync failed', {
      hookGroupId: definition.hookGroupId,
      hookId: definition.hookId,
      error: problem,
    });
  }
  await recordSyncState(services, definition, problem);
}

/** Deletes the hook's triggers; throws on failure (removeHook then keeps the hook, marked). */
export async function removeHookTriggers(services: Services, hookGroupId: string, hookId: string) {
  await services.triggers?.remove(hookGroupId, hookId);
}

/** Re-applies the stored definition's triggers; clears the out-of-sync mark on success. */
export async function reconcileHook(
  services: Services,
  hookGroupId: string,
  hookId: string,
): Promise<string[]> {
  const hook = await services.store.getHook(hookGroupId, hookId);
  if (!hook) {
    try {
      await removeHookTriggers(services, hookGroupId, hookId);
      return [];
    } catch (error) {
      return [`rules/schedules not removed: ${(error as Error).message}`];
    }
  }
  await syncHookTriggers(services, hook.definition);
  return (await services.store.getHook(hookGroupId, hookId))?.outOfSync ?? [];
}

/**
 * The periodic repair: every hook marked out of sync (a failure, or a process killed halfway) is
 * reconciled, at most REPAIR_BATCH per pass, except marks set in the last REPAIR_GRACE_MS (their request
 * may still be applying them). A local start passes no grace and no limit: nothing else is running yet. Returns the hooks it reconciled and what is still out of sync.
 */
export async function repairOutOfSyncHooks(
  services: Services,
  options: { graceMs?: number; limit?: number } = {},
): Promise<Array<{ hookGroupId: string; hookId: string; outOfSync: string[] }>> {
  if (!services.triggers) return [];
  const now = services.clock.now().getTime();
  const grace = options.graceMs ?? REPAIR_GRACE_MS;
  const due = (await services.store.listAllHooks())
    .filter((h) => h.outOfSync?.length && now - Date.parse(h.updatedAt) >= grace)
    .slice(0, options.limit ?? REPAIR_BATCH);
  const repaired = [];
  for (const hook of due) {
    const { hookGroupId, hookId } = hook.definition;
    repaired.push({ hookGroupId, hookId, outOfSync: await reconcileHook(services, hookGroupId, hookId) });
  }
  if (repaired.length) services.logger.info('out-of-sync hooks reconciled', { hooks: repaired.length });
  return repaired;
}

async function recordSyncState(services: Services, applied: HookDefinition, problem: string | undefined) {
  const { hookGroupId, hookId } = applied;
  const hook = await services.store.getHook(hookGroupId, hookId);
  // Gone, or changed since: that change's own sync records its state.
  if (!hook || !sameDefinition(hook.definition, applied)) return;
  const outOfSync = problem ? [problem] : [];
  if (JSON.stringify(hook.outOfSync ?? []) === JSON.stringify(outOfSync)) return;
  // A bookkeeping update: no version bump, so it never conflicts with (or gives up on) a user's edit.
  await services.store.updateHookBookkeeping(hookGroupId, hookId, { outOfSync });
}
