import { countSteps, planSteps, runResult, settleLeftovers } from '../core/jobFlow.ts';
import type { RunResult } from '../core/runModel.ts';
import { ConditionFailed } from '../ports/store.ts';
import { releaseAndDispatch } from './concurrency.ts';
import { type CaughtError, describeEngineError, reportEngineError } from './engineErrors.ts';
import { announce } from './lifecycleEvents.ts';
import type { Services } from './services.ts';

/** What the state machine hands the Finish state (its whole state, possibly with an engine error), or the run sweeper. */
export interface FinishRequest {
  runId: string;
  engineError?: CaughtError;
}

/** Hooks run after a run finishes (concurrency release, queued runs); registered by the features that need them. */
export type AfterFinish = (services: Services, runId: string) => Promise<void>;

/**
 * The state machine's Finish state: settles steps that never ran, computes the result,
 * marks the run finished and announces Run Finished. Idempotent.
 */
export async function finishRun(
  services: Services,
  request: FinishRequest,
  afterFinish: AfterFinish[] = [],
): Promise<{ result: RunResult }> {
  const run = await services.store.getRun(request.runId);
  if (!run) throw new Error(`run ${request.runId} does not exist`);
  if (run.status === 'finished' && run.result) return { result: run.result };
  const engineError = request.engineError ? describeEngineError(request.engineError) : undefined;
  if (engineError) reportEngineError(services, { runId: run.runId, reason: engineError, source: 'finish' });
  const steps = await services.store.getSteps(run.runId);
  for (const leftover of settleLeftovers(steps, engineError)) {
    await services.store
      .updateStep(
        run.runId,
        leftover.index,
        { status: leftover.status, reason: leftover.reason },
        { status: steps[leftover.index]!.status },
      )
      .catch((error: Error) => {
        if (!(error instanceof ConditionFailed)) throw error;
      });
  }
  const settled = await services.store.getSteps(run.runId);
  const plan = planSteps(run.job);
  let result = runResult(run, plan, settled);
  // An engine error fails the run (a cancel or timeout asked for keeps its own result).
  if (engineError && !run.stopRequested) result = 'failed';
  const finishedAt = services.clock.now().toISOString();
  try {
    await services.store.updateRun(
      run.runId,
      { status: 'finished', result, finishedAt, ...(engineError ? { error: { message: engineError } } : {}) },
      { status: run.status },
    );
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    const latest = await services.store.getRun(run.runId);
    if (latest?.status === 'finished' && latest.result) return { result: latest.result };
    throw error;
  }
  const counts = countSteps(settled);
  services.logger.info('run finished', {
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
    runId: run.runId,
    result,
    ...counts,
  });
  await announce(services, 'Run Finished', {
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
    runId: run.runId,
    firedBy: run.firedBy,
    result,
    counts,
    chainDepth: run.depth,
  });
  try {
    await releaseAndDispatch(services, run);
  } catch (error) {
    services.logger.error('concurrency release failed; the lease will expire', {
      runId: run.runId,
      error: (error as Error).message,
    });
  }
  for (const after of afterFinish) {
    try {
      await after(services, run.runId);
    } catch (error) {
      services.logger.error('after-finish action failed', {
        runId: run.runId,
        error: (error as Error).message,
      });
    }
  }
  return { result };
}
