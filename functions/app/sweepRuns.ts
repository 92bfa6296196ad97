import type { RunRecord } from '../core/runModel.ts';
import type { ExecutionState } from '../ports/executions.ts';
import { type AfterFinish, finishRun } from './finishRun.ts';
import type { Services } from './services.ts';

/**
 * The run sweeper: a run is never left `running` with no execution behind it. It compares the
 * unfinished runs with their executions (the Executions port) and finishes, through the same
 * finish logic as the state machine's Finish state, each run whose execution ended without
 * finishing it (Finish failed past its retries, the execution timed out or was aborted) or that
 * has been running with no execution at all. Result `failed`, with the reason. The cloud runs it
 * on a schedule (the finish function; infra/hookline/triggers.ts), the local stack every minute
 * (infra/local/localStack.ts).
 */

/** Runs looked at per pass (a window at a random place in the list, so every run gets its turn). */
export const SWEEP_BATCH = 200;

/** A run `running` with no execution (none of that name exists) this long after it started is orphaned. */
export const ORPHANED_AFTER_MS = 10 * 60_000;

export interface SweepOutcome {
  checked: number;
  finished: string[];
}

export async function sweepRuns(services: Services, afterFinish: AfterFinish[] = []): Promise<SweepOutcome> {
  const all = await services.store.listUnfinishedRunIds();
  const start = all.length > SWEEP_BATCH ? Math.floor(Math.random() * all.length) : 0;
  const window = [...all.slice(start), ...all.slice(0, start)].slice(0, SWEEP_BATCH);
  const finished: string[] = [];
  for (const runId of window) {
    try {
      const run = await services.store.getRun(runId);
      if (!run || run.status === 'finished') continue;
      const reason = whyUnfinishable(run, await services.executions.describe(runId), services.clock.now());
      if (!reason) continue;
      // finishRun reports the engine error (functions/app/engineErrors.ts) as it settles the run.
      await finishRun(
        services,
        { runId, engineError: { Error: 'Hookline.RunSwept', Cause: reason } },
        afterFinish,
      );
      finished.push(runId);
    } catch (error) {
      services.logger.warn('run sweep could not settle a run; the next pass tries again', {
        runId,
        error: (error as Error).message,
      });
    }
  }
  if (finished.length > 0) services.logger.info('run sweeper finished runs', { finished });
  return { checked: window.length, finished };
}

/** Why the run can only be finished by the sweeper, or undefined while something may still finish it. */
export function whyUnfinishable(run: RunRecord, execution: ExecutionState, now: Date): string | undefined {
  switch (execution.status) {
    case 'FAILED':
    case 'TIMED_OUT':
    case 'ABORTED':
    case 'SUCCEEDED': {
      const error = execution.error
        ? ` (${execution.error}${execution.cause ? `: ${execution.cause.slice(0, 500)}` : ''})`
        : '';
      return `the run's execution ended ${execution.status} without finishing the run${error}`;
    }
    case 'NOT_FOUND': {
      // A pending run may be queued behind a concurrency limit, or about to start: not ours.
      if (run.status !== 'running') return undefined;
      const since = Date.parse(run.startedAt ?? run.createdAt);
      if (now.getTime() - since < ORPHANED_AFTER_MS) return undefined;
      return 'the run was running with no execution behind it';
    }
    default:
      return undefined;
  }
}
