import type { RunRecord, StepProcess } from '../core/runModel.ts';
import { ConditionFailed, type HookRecord } from '../ports/store.ts';
import { acquireSlot, dispatchQueue, queuePosition } from './concurrency.ts';
import { failInterruptedStep } from './runStep.ts';
import type { Services } from './services.ts';

/**
 * The recovery pass (at start and periodically): every unfinished run without a live execution is
 * completed or discarded if its creation was cut (Store.repairRunCreation), has the commands of its
 * interrupted steps killed and those steps settled, and is started again — under its hook's
 * concurrency limit: a queued run starts only with a slot (it goes back in the queue otherwise).
 * No run stays pending or running without something that will finish it.
 */
export interface RecoveryEngine {
  /** Whether an execution of the run is going (locally: in this process). */
  isLive(runId: string): boolean | Promise<boolean>;
  /** Kills what is left of an interrupted step's command; resolves once it is dead. */
  killStepProcess(process: StepProcess): Promise<void>;
  /** The interrupted-step message recorded on a step whose command was cut by the crash. */
  interruptedMessage: string;
}

export interface RecoveryOptions {
  /**
   * True for the pass at start, when no creation or execution of this process can be under way: every
   * half-written creation is discarded and slots held by runs that do not exist are released.
   */
  atStart: boolean;
}

/** A creation younger than this may still be under way (periodic passes leave it alone). */
export const CREATION_GRACE_MS = 60_000;

export interface RecoverySummary {
  resumed: string[];
  discarded: string[];
}

export async function recoverRuns(
  services: Services,
  engine: RecoveryEngine,
  options: RecoveryOptions,
): Promise<RecoverySummary> {
  const summary: RecoverySummary = { resumed: [], discarded: [] };
  const now = services.clock.now().getTime();
  const startedBefore = new Date(options.atStart ? now + 1 : now - CREATION_GRACE_MS);
  for (const runId of await services.store.listUnfinishedRunIds()) {
    if (await engine.isLive(runId)) continue;
    try {
      const repair = await services.store.repairRunCreation(runId, startedBefore);
      if (repair === 'discarded') {
        summary.discarded.push(runId);
        services.logger.info('half-written run discarded', { runId });
        continue;
      }
      if (repair === 'in-progress') continue;
      const run = await services.store.getRun(runId);
      if (!run) continue;
      if (run.status === 'finished') {
        await forgetFinished(services, runId);
        continue;
      }
      if (await engine.isLive(runId)) continue;
      await settleInterruptedSteps(services, engine, run);
      await restart(services, run, options);
      summary.resumed.push(runId);
    } catch (error) {
      services.logger.warn('run recovery failed; the next pass tries again', {
        runId,
        error: (error as Error).message,
      });
    }
  }
  return summary;
}

/** A finished run whose marker outlived it (a crash between the two writes): the marker goes. */
async function forgetFinished(services: Services, runId: string): Promise<void> {
  try {
    await services.store.updateRun(runId, { status: 'finished' }, { status: 'finished' });
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
}

/** A step left `running`: its command is killed first (never two at once), then the step fails as interrupted. */
async function settleInterruptedSteps(services: Services, engine: RecoveryEngine, run: RunRecord) {
  const steps = await services.store.getSteps(run.runId);
  for (const step of steps.filter((s) => s.status === 'running')) {
    if (step.process) await engine.killStepProcess(step.process);
    await failInterruptedStep(services, run, step.index, engine.interruptedMessage);
  }
}

/** Starts the run's execution again (the state machine picks up where its steps stand). */
async function resume(services: Services, run: RunRecord): Promise<void> {
  services.logger.info('resuming run', {
    runId: run.runId,
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
  });
  await services.executions.start(run.runId);
}

async function restart(services: Services, run: RunRecord, options: RecoveryOptions): Promise<void> {
  const hook = await services.store.getHook(run.hookGroupId, run.hookId);
  const policy = hook?.definition.concurrency;
  if (!hook || !policy) {
    await resume(services, run);
    return;
  }
  // Started before the crash (it held a slot), or admitted under `skip`: it goes on, with its slot.
  if (run.status === 'running' || policy.onLimit === 'skip' || (await holdsSlot(services, hook, run))) {
    await acquireSlot(services, hook, run);
    await resume(services, run);
    return;
  }
  // A queued run: back in its place in the queue (same position: idempotent), started only with a slot.
  await services.concurrency.enqueue(run.hookGroupId, run.hookId, {
    runId: run.runId,
    position: queuePosition(run),
  });
  await dispatchQueue(services, hook, { vanishedHoldersAreDead: options.atStart });
}

async function holdsSlot(services: Services, hook: HookRecord, run: RunRecord): Promise<boolean> {
  const state = await services.concurrency.getSemaphore(hook.definition.hookGroupId, hook.definition.hookId);
  return state !== undefined && run.runId in state.holders;
}
