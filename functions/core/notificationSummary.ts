import { countSteps, isFailure, jobStatusSoFar, type RunCounts } from './jobFlow.ts';
import type { PlannedStep, RunRecord, RunResult, StepRecord } from './runModel.ts';

/** The summary a notify step receives (Borgitory's notification messages). */
export interface NotificationSummary {
  title: string;
  message: string;
  status: RunResult;
  failedStep?: string;
  failedSteps: string[];
  /** The run's counts (functions/core/jobFlow.ts countSteps) over the steps before the notify steps. */
  counts: RunCounts;
  runId: string;
}

export function notificationSummary(
  run: RunRecord,
  plan: PlannedStep[],
  steps: StepRecord[],
): NotificationSummary {
  const counted = steps.filter((s) => plan[s.index]?.phase !== 'notify');
  const jobName = run.job.name ?? `${run.hookGroupId}/${run.hookId}`;
  const failed = counted.filter((s) => isFailure(s.status));
  const counts = countSteps(counted);
  const base = { runId: run.runId, counts, failedSteps: failed.map((s) => s.name) };
  if (run.stopRequested === 'cancelled') {
    return {
      ...base,
      status: 'cancelled',
      title: `🛑 ${jobName} was cancelled`,
      message: `Job '${jobName}' was cancelled.`,
    };
  }
  if (run.stopRequested === 'timed_out') {
    return {
      ...base,
      status: 'timed_out',
      title: `⏱️ ${jobName} timed out`,
      message: `Job '${jobName}' ran out of time.`,
    };
  }
  if (run.criticalFailure) {
    const failure = run.criticalFailure;
    const what = failure.engineError
      ? 'engine'
      : failure.phase === 'task'
        ? 'critical task'
        : 'critical hook';
    return {
      ...base,
      status: 'failed',
      failedStep: failure.name,
      title: `❌ ${jobName} failed - ${what} error`,
      message: `Job '${jobName}' failed due to ${what} failure${failure.engineError ? `: ${failure.engineError}` : ''}.`,
    };
  }
  if (jobStatusSoFar(run, counted) === 'succeeded_with_warnings') {
    return {
      ...base,
      status: 'succeeded_with_warnings',
      failedStep: failed[0]?.name,
      title: `⚠️ ${jobName} completed with warnings`,
      message: `Job '${jobName}' completed but some steps failed.`,
    };
  }
  return {
    ...base,
    status: 'succeeded',
    title: `✅ ${jobName} completed successfully`,
    message: `Job '${jobName}' completed successfully.`,
  };
}
