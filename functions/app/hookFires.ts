import type { RunRecord } from '../core/runModel.ts';
import type { FireRecord, HookRecord, Page, PageRequest } from '../ports/store.ts';
import type { Services } from './services.ts';

/**
 * The fires of the hook as it is now. Removing a hook leaves its fire records to expire with their
 * retention (TTL) instead of deleting them in the request (app/manageHooks.ts removeHook), so a hook
 * created again under the same ids would find its predecessor's fires: those older than the hook's
 * creation are not its own and are left out. Fires are listed newest first, so the first older one
 * ends the list.
 */
export async function listFiresOfHook(
  services: Services,
  hook: HookRecord,
  page: PageRequest,
): Promise<Page<FireRecord>> {
  const { hookGroupId, hookId } = hook.definition;
  const listed = await services.store.listFires(hookGroupId, hookId, page);
  const since = Date.parse(hook.createdAt);
  const items = listed.items.filter((fire) => Date.parse(fire.time) >= since);
  return items.length < listed.items.length ? { items } : listed;
}

/**
 * Taskcluster's listLastFires: a page of the hook's fires, newest first, each with the state of the
 * run it started. The runs of a page are read together, in parallel (one read per fire that started
 * a run; the page size bounds them).
 */
export async function listLastFires(services: Services, hook: HookRecord, page: PageRequest) {
  const { hookGroupId, hookId } = hook.definition;
  const fires = await listFiresOfHook(services, hook, page);
  const runs = await runsOfFires(services, fires.items);
  const lastFires = fires.items.map((fire, i) => ({
    hookGroupId,
    hookId,
    firedBy: fire.firedBy,
    runId: fire.runId,
    taskId: fire.runId,
    time: fire.time,
    taskCreateTime: fire.time,
    result: fire.result,
    error: fire.error ?? '',
    runState: runs[i]?.status ?? null,
    runResult: runs[i]?.result ?? null,
    taskState: taskState(runs[i]),
  }));
  return { lastFires, ...(fires.continuationToken ? { continuationToken: fires.continuationToken } : {}) };
}

/** The run each fire started (undefined for a fire that started none, or whose run has expired). */
async function runsOfFires(services: Services, fires: FireRecord[]): Promise<Array<RunRecord | undefined>> {
  return Promise.all(
    fires.map((fire) =>
      fire.result === 'success' || fire.result === 'queued'
        ? services.store.getRun(fire.runId)
        : Promise.resolve(undefined),
    ),
  );
}

/** Taskcluster's `taskState` for a fire's run (clients that know only Taskcluster read this). */
export function taskState(run: RunRecord | undefined): string {
  if (!run) return 'unscheduled';
  if (run.status !== 'finished') return run.status;
  if (run.result === 'succeeded' || run.result === 'succeeded_with_warnings') return 'completed';
  if (run.result === 'cancelled') return 'exception';
  return 'failed';
}
