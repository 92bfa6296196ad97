import type { HookDefinition } from '../core/hookDefinition.ts';
import type { Services } from './services.ts';

/**
 * After a hook is stored, its rules and schedules follow. A failure halfway never leaves the hook
 * and its triggers disagreeing silently: the hook records what is out of sync (shown by
 * getHookStatus) until `reconcileHook` repairs it.
 */
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
  await recordSyncState(services, definition.hookGroupId, definition.hookId, problem);
}

export async function removeHookTriggers(
  services: Services,
  hookGroupId: string,
  hookId: string,
): Promise<string | undefined> {
  if (!services.triggers) return undefined;
  try {
    await services.triggers.remove(hookGroupId, hookId);
    return undefined;
  } catch (error) {
    const problem = `rules/schedules not removed: ${(error as Error).message}`;
    services.logger.error('trigger removal failed', { hookGroupId, hookId, error: problem });
    return problem;
  }
}

/** Re-applies the stored definition's triggers; clears the out-of-sync mark on success. */
export async function reconcileHook(
  services: Services,
  hookGroupId: string,
  hookId: string,
): Promise<string[]> {
  const hook = await services.store.getHook(hookGroupId, hookId);
  if (!hook) {
    const problem = await removeHookTriggers(services, hookGroupId, hookId);
    return problem ? [problem] : [];
  }
  await syncHookTriggers(services, hook.definition);
  return (await services.store.getHook(hookGroupId, hookId))?.outOfSync ?? [];
}

async function recordSyncState(
  services: Services,
  hookGroupId: string,
  hookId: string,
  problem: string | undefined,
) {
  // A bookkeeping update: no version bump, so it never conflicts with (or gives up on) a user's edit.
  await services.store.updateHookBookkeeping(hookGroupId, hookId, { outOfSync: problem ? [problem] : [] });
}
