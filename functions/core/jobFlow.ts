import * as z from 'zod';
import { DEFAULT_STEP_TIMEOUT_SECONDS, type Job } from './job.ts';
import type { Phase, PlannedStep, RunRecord, RunResult, StepRecord, StepStatus } from './runModel.ts';
import { FINISHED_STEP_STATUSES } from './runStates.ts';

/**
 * The job flow rules (README.md, "Jobs and steps") (Borgitory's documented behaviour, done right):
 * which step runs, which is skipped and why, and what the run's result is.
 */

export const SKIP_REASONS = {
  criticalHook: 'skipped due to critical hook failure',
  criticalTask: 'skipped due to critical task failure',
  engineError: 'skipped because the engine failed an earlier step',
  phaseStopped: 'skipped because an earlier step of this phase failed (continueOnFailure: false)',
  cancelled: 'cancelled before it ran',
  timedOut: 'not run: the run timed out',
} as const;

/** Orders the job's steps: pre-hooks, tasks, post-hooks, notifications; resolves the defaults. */
export function planSteps(job: Job): PlannedStep[] {
  const tasks = job.task ? [job.task] : (job.tasks ?? []);
  const phases: [Phase, Job['preHooks']][] = [
    ['pre', job.preHooks],
    ['task', tasks],
    ['post', job.postHooks],
    ['notify', job.notify],
  ];
  const planned: PlannedStep[] = [];
  for (const [phase, steps] of phases) {
    for (const step of steps ?? []) {
      planned.push({
        index: planned.length,
        phase,
        name: step.name,
        critical: step.critical ?? phase === 'task',
        continueOnFailure: step.continueOnFailure ?? true,
        runOnFailure: step.runOnFailure ?? phase === 'notify',
        timeoutSeconds: step.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
        step,
      });
    }
  }
  return planned;
}

export interface PhaseIndices {
  pre: number[];
  tasks: number[];
  post: number[];
  notify: number[];
}

export function phaseIndices(plan: PlannedStep[]): PhaseIndices {
  const of = (phase: Phase) => plan.filter((s) => s.phase === phase).map((s) => s.index);
  return { pre: of('pre'), tasks: of('task'), post: of('post'), notify: of('notify') };
}

export function isTerminal(status: StepStatus): boolean {
  return FINISHED_STEP_STATUSES.has(status);
}

export function isFailure(status: StepStatus): boolean {
  return status === 'failed' || status === 'timed_out';
}

export type StepDecision =
  | { action: 'run' }
  | { action: 'settle'; status: 'skipped' | 'cancelled'; reason: string };

/**
 * Decides, from the run's durable state, whether a step runs. The engine may reach a step
 * after a critical failure (the local engine keeps running Map iterations); the answer is the same.
 */
export function decideStep(
  run: RunRecord,
  plan: PlannedStep[],
  steps: StepRecord[],
  index: number,
): StepDecision {
  const planned = plan[index];
  if (!planned) throw new Error(`run ${run.runId} has no step ${index}`);
  const alwaysRuns = planned.phase === 'notify' || (planned.phase === 'post' && planned.runOnFailure);

  if (run.stopRequested) {
    if (alwaysRuns) return { action: 'run' };
    return {
      action: 'settle',
      status: run.stopRequested === 'cancelled' ? 'cancelled' : 'skipped',
      reason: run.stopRequested === 'cancelled' ? SKIP_REASONS.cancelled : SKIP_REASONS.timedOut,
    };
  }
  if (run.criticalFailure) {
    if (alwaysRuns) return { action: 'run' };
    return { action: 'settle', status: 'skipped', reason: criticalSkipReason(run.criticalFailure) };
  }
  const stoppedBy = plan.find(
    (earlier) =>
      earlier.index < index &&
      earlier.phase === planned.phase &&
      !earlier.continueOnFailure &&
      steps[earlier.index] !== undefined &&
      isFailure(steps[earlier.index]!.status),
  );
  if (stoppedBy) return { action: 'settle', status: 'skipped', reason: SKIP_REASONS.phaseStopped };
  return { action: 'run' };
}

export function criticalSkipReason(failure: NonNullable<RunRecord['criticalFailure']>): string {
  if (failure.engineError) return SKIP_REASONS.engineError;
  return failure.phase === 'task' ? SKIP_REASONS.criticalTask : SKIP_REASONS.criticalHook;
}

/**
 * Whether a failed step sends the run down the skip branch: a critical pre-hook, task or post-hook
 * (the run is `failed`; later pre-hooks and tasks are skipped, later post-hooks run only where
 * `runOnFailure` is set). Notifications never change the run's result.
 */
export function isCriticalFailure(planned: PlannedStep, status: StepStatus): boolean {
  return isFailure(status) && planned.critical && planned.phase !== 'notify';
}

/**
 * Whether a critical failure of this step leaves its phase at once (the state machine's skip
 * branch). Pre-hooks and tasks do; a post-hook's phase goes on, each later post-hook deciding
 * for itself (decideStep).
 */
export function leavesPhaseOnCriticalFailure(planned: PlannedStep): boolean {
  return planned.phase === 'pre' || planned.phase === 'task';
}

/** The run's state so far, as `HOOKLINE_JOB_STATUS` tells a post-hook. */
export function jobStatusSoFar(
  run: RunRecord,
  steps: StepRecord[],
): 'succeeded' | 'succeeded_with_warnings' | 'failed' {
  if (run.criticalFailure || run.stopRequested) return 'failed';
  return steps.some((s) => isFailure(s.status)) ? 'succeeded_with_warnings' : 'succeeded';
}

/** The run's result once every step is settled. Notifications never change it. */
export function runResult(run: RunRecord, plan: PlannedStep[], steps: StepRecord[]): RunResult {
  if (run.stopRequested === 'cancelled') return 'cancelled';
  if (run.stopRequested === 'timed_out') return 'timed_out';
  if (run.criticalFailure) return 'failed';
  const counted = steps.filter((s) => plan[s.index]?.phase !== 'notify');
  if (counted.some((s) => isFailure(s.status) || s.status === 'cancelled')) return 'succeeded_with_warnings';
  return 'succeeded';
}

/** A run's steps counted by outcome (countSteps). */
export const runCountsSchema = z.strictObject({
  total: z.int(),
  succeeded: z.int(),
  failed: z.int(),
  skipped: z.int(),
  cancelled: z.int(),
});
export type RunCounts = z.infer<typeof runCountsSchema>;

/** The run's step counts (run status, Run Finished, the notify summary): failed counts timed_out too. */
export function countSteps(steps: StepRecord[]): RunCounts {
  return {
    total: steps.length,
    succeeded: steps.filter((s) => s.status === 'succeeded').length,
    failed: steps.filter((s) => isFailure(s.status)).length,
    skipped: steps.filter((s) => s.status === 'skipped').length,
    cancelled: steps.filter((s) => s.status === 'cancelled').length,
  };
}

/** Steps left unsettled when the run finishes (an engine error) get a status that says so. */
export function settleLeftovers(steps: StepRecord[], engineError: string | undefined): StepRecord[] {
  return steps
    .filter((s) => !isTerminal(s.status))
    .map((s) => ({
      ...s,
      status: s.status === 'running' ? 'failed' : 'skipped',
      reason: engineError
        ? `the engine stopped the run: ${engineError}`
        : 'the run ended before this step ran',
    }));
}
