import { acquireDecision, leaseSeconds, liveHolders } from '../core/semaphore.ts';
import type { RunRecord } from '../core/runModel.ts';
import { ConditionFailed, type HookRecord } from '../ports/store.ts';
import { requestStop } from './runStep.ts';
import type { Services } from './services.ts';

/**
 * Per-hook concurrency `{limit, onLimit: queue|skip|cancel-running}`: a DynamoDB semaphore with
 * conditional writes, a FIFO queue of waiting runs, leases that expire if a run is lost, and the
 * finish path releasing the slot and starting the next queued run.
 */

async function updateSemaphore(
  services: Services,
  g: string,
  h: string,
  change: (holders: Record<string, number>) => Record<string, number> | undefined,
): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const state = (await services.concurrency.getSemaphore(g, h)) ?? { holders: {}, version: 0 };
    const next = change(state.holders);
    if (!next) return false;
    try {
      await services.concurrency.putSemaphore(
        g,
        h,
        { holders: next, version: state.version + 1 },
        state.version,
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * Math.min(attempt + 1, 10)));
    }
  }
  throw new Error(`the semaphore of ${g}/${h} is too contended`);
}

/** Takes a slot for the run if one is free (idempotent per run). */
export async function acquireSlot(
  services: Services,
  hook: HookRecord,
  run: Pick<RunRecord, 'runId' | 'job'>,
): Promise<boolean> {
  const { hookGroupId: g, hookId: h, concurrency } = hook.definition;
  if (!concurrency) return true;
  let held = false;
  const changed = await updateSemaphore(services, g, h, (holders) => {
    const now = services.clock.now().getTime();
    const decision = acquireDecision(holders, concurrency.limit, run.runId, now);
    if (decision === 'full') return undefined;
    if (decision === 'already-held') {
      held = true;
      return undefined;
    }
    return { ...liveHolders(holders, now), [run.runId]: now + leaseSeconds(run.job) * 1000 };
  });
  return changed || held;
}

/** Gives the run's slot back. */
export async function releaseSlot(services: Services, g: string, h: string, runId: string): Promise<void> {
  await updateSemaphore(services, g, h, (holders) => {
    if (!(runId in holders)) return undefined;
    const { [runId]: _released, ...rest } = holders;
    return liveHolders(rest, services.clock.now().getTime());
  });
}

/**
 * Starts queued runs, oldest first, while slots are free. A queue entry whose run is gone or no longer
 * pending is dropped (it was started, or finished, before a crash cut its dequeue); when the hook is
 * full, slots held by finished or vanished runs are released first (releaseDeadHolders).
 */
export async function dispatchQueue(
  services: Services,
  hook: HookRecord,
  options: { vanishedHoldersAreDead?: boolean } = {},
): Promise<void> {
  const { hookGroupId: g, hookId: h } = hook.definition;
  let pruned = false;
  for (let i = 0; i < 1000; i++) {
    const [head] = await services.concurrency.peekQueue(g, h, 1);
    if (!head) return;
    const run = await services.store.getRun(head.runId);
    if (run?.status !== 'pending') {
      await services.concurrency.dequeue(g, h, head);
      continue;
    }
    if (!(await acquireSlot(services, hook, run))) {
      if (pruned || !(await releaseDeadHolders(services, hook, options.vanishedHoldersAreDead ?? false)))
        return;
      pruned = true;
      continue;
    }
    if (await services.concurrency.dequeue(g, h, head)) {
      services.logger.info('queued run starting', { hookGroupId: g, hookId: h, runId: run.runId });
      await services.executions.start(run.runId);
    }
  }
}

/** A hook removed, or whose policy was removed, while runs waited: they start (they were acknowledged). */
async function startAllQueued(services: Services, g: string, h: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const [head] = await services.concurrency.peekQueue(g, h, 1);
    if (!head) return;
    const run = await services.store.getRun(head.runId);
    if (await services.concurrency.dequeue(g, h, head)) {
      if (run?.status === 'pending') await services.executions.start(run.runId);
    }
  }
}

/**
 * Releases the slots of holders whose run has finished — or, when `vanishedToo` (no creation can be
 * under way: the start-up recovery), whose run does not exist. Returns whether any slot was freed.
 */
export async function releaseDeadHolders(
  services: Services,
  hook: HookRecord,
  vanishedToo: boolean,
): Promise<boolean> {
  const { hookGroupId: g, hookId: h } = hook.definition;
  const state = await services.concurrency.getSemaphore(g, h);
  let freed = false;
  for (const holder of Object.keys(state?.holders ?? {})) {
    const run = await services.store.getRun(holder);
    if ((run && run.status === 'finished') || (!run && vanishedToo)) {
      await releaseSlot(services, g, h, holder);
      services.logger.info('slot of a finished run released', { hookGroupId: g, hookId: h, runId: holder });
      freed = true;
    }
  }
  return freed;
}

/**
 * Admits a created run under the hook's policy: started now, or queued (queue and cancel-running;
 * cancel-running first asks the running runs to stop).
 */
export async function admitRun(services: Services, hook: HookRecord, run: RunRecord): Promise<void> {
  const { hookGroupId: g, hookId: h, concurrency } = hook.definition;
  if (!concurrency) {
    await services.executions.start(run.runId);
    return;
  }
  if (concurrency.onLimit === 'cancel-running') {
    const state = await services.concurrency.getSemaphore(g, h);
    for (const holder of Object.keys(liveHolders(state?.holders ?? {}, services.clock.now().getTime()))) {
      if (holder === run.runId) continue;
      if (await requestStop(services, holder, 'cancelled')) {
        services.logger.info('run cancelled by a newer fire (cancel-running)', {
          hookGroupId: g,
          hookId: h,
          runId: holder,
          by: run.runId,
        });
      }
    }
  }
  await services.concurrency.enqueue(g, h, { runId: run.runId, position: queuePosition(run) });
  await dispatchQueue(services, hook);
}

let admitted = 0;

/**
 * The queue position a new run is created with: its creation time, then a count of this process's
 * admissions, so runs created in the same millisecond (the entries of one PutEvents call, a burst of
 * triggers) queue in the order they were fired rather than in the random order of their ids. Runs of
 * two processes in the same millisecond have no order to keep; their ids break the tie.
 */
export function newQueuePosition(createdAt: string, runId: string): string {
  admitted = (admitted + 1) % 1e12;
  return `${createdAt}#${String(admitted).padStart(12, '0')}#${runId}`;
}

/** Where a run stands in its hook's queue: the position it was created with (older records: time, then id). */
export function queuePosition(run: Pick<RunRecord, 'createdAt' | 'runId' | 'queuePosition'>): string {
  return run.queuePosition ?? `${run.createdAt}#${run.runId}`;
}

/** The finish path: release the slot, then start whatever is waiting. */
export async function releaseAndDispatch(
  services: Services,
  run: Pick<RunRecord, 'runId' | 'hookGroupId' | 'hookId'>,
): Promise<void> {
  const state = await services.concurrency.getSemaphore(run.hookGroupId, run.hookId);
  if (!state) return;
  await releaseSlot(services, run.hookGroupId, run.hookId, run.runId);
  const hook = await services.store.getHook(run.hookGroupId, run.hookId);
  if (hook) await dispatchQueue(services, hook);
}

/**
 * Sweeps the hooks that have queued runs or held slots (the concurrency store's busy index — idle
 * hooks cost nothing): slots of finished runs and expired leases are freed, queued runs start, idle
 * hooks leave the index.
 * `everyHook` visits every hook with a policy instead (once at start: data written before the index);
 * `atStart` (no creation can be under way) also releases slots held by runs that do not exist.
 */
export async function sweepQueues(
  services: Services,
  options: { everyHook?: boolean; atStart?: boolean } = {},
): Promise<void> {
  const targets: Array<{ hookGroupId: string; hookId: string }> = options.everyHook
    ? (await services.store.listAllHooks())
        .filter((hook) => hook.definition.concurrency)
        .map((hook) => hook.definition)
    : await services.concurrency.listBusyHooks();
  for (const { hookGroupId, hookId } of targets) {
    try {
      const hook = await services.store.getHook(hookGroupId, hookId);
      if (hook?.definition.concurrency) {
        await releaseDeadHolders(services, hook, options.atStart ?? false);
        await dispatchQueue(services, hook, { vanishedHoldersAreDead: options.atStart });
      } else await startAllQueued(services, hookGroupId, hookId);
      await services.concurrency.forgetIfIdle(hookGroupId, hookId, services.clock.now().getTime());
    } catch (error) {
      services.logger.warn('queue sweep failed', { hookGroupId, hookId, error: (error as Error).message });
    }
  }
}
