import { describe, expect, it } from 'vitest';
import { planSteps } from '../../../functions/core/jobFlow.ts';
import { notificationSummary } from '../../../functions/core/notificationSummary.ts';
import type { RunRecord, StepRecord, StepStatus } from '../../../functions/core/runModel.ts';

/** The summary a notify step receives (functions/core/notificationSummary.ts). */
const job = {
  name: 'Backup',
  preHooks: [{ name: 'dump', command: ['true'] }],
  tasks: [
    { name: 'backup', command: ['true'] },
    { name: 'prune', command: ['true'] },
  ],
  notify: [{ name: 'mail', command: ['true'] }],
};
const plan = planSteps(job as RunRecord['job']);
const run = (extra: Partial<RunRecord> = {}): RunRecord =>
  ({
    runId: 'r1',
    hookGroupId: 'ops',
    hookId: 'backup',
    firedBy: 'schedule',
    status: 'running',
    result: null,
    createdAt: '2030-01-01T00:00:00.000Z',
    job,
    depth: 0,
    ...extra,
  }) as RunRecord;
const steps = (...statuses: StepStatus[]): StepRecord[] =>
  statuses.map((status, index) => ({
    runId: 'r1',
    index,
    phase: plan[index]!.phase,
    name: plan[index]!.name,
    status,
  }));

describe('notificationSummary', () => {
  it('a run whose steps all succeeded: counts leave the notify steps out', () => {
    expect(notificationSummary(run(), plan, steps('succeeded', 'succeeded', 'succeeded', 'running'))).toEqual(
      {
        runId: 'r1',
        status: 'succeeded',
        title: '✅ Backup completed successfully',
        message: "Job 'Backup' completed successfully.",
        failedSteps: [],
        counts: { total: 3, succeeded: 3, failed: 0, skipped: 0, cancelled: 0 },
      },
    );
  });

  it('a failed step that was not critical: completed with warnings, naming the step', () => {
    const summary = notificationSummary(run(), plan, steps('succeeded', 'failed', 'timed_out', 'running'));
    expect(summary).toMatchObject({
      status: 'succeeded_with_warnings',
      failedStep: 'backup',
      failedSteps: ['backup', 'prune'],
      title: '⚠️ Backup completed with warnings',
      message: "Job 'Backup' completed but some steps failed.",
    });
    expect(summary.counts.failed).toBe(2);
  });

  it('a critical failure says of what kind: task, hook or engine', () => {
    const task = notificationSummary(
      run({ criticalFailure: { index: 1, name: 'backup', phase: 'task' } }),
      plan,
      steps('succeeded', 'failed', 'skipped'),
    );
    expect(task).toMatchObject({
      status: 'failed',
      failedStep: 'backup',
      title: '❌ Backup failed - critical task error',
      message: "Job 'Backup' failed due to critical task failure.",
    });
    const hook = notificationSummary(
      run({ criticalFailure: { index: 0, name: 'dump', phase: 'pre' } }),
      plan,
      steps('failed', 'skipped', 'skipped'),
    );
    expect(hook.title).toBe('❌ Backup failed - critical hook error');
    const engine = notificationSummary(
      run({ criticalFailure: { index: 1, name: 'backup', phase: 'task', engineError: 'Lambda.Unknown' } }),
      plan,
      steps('succeeded', 'failed'),
    );
    expect(engine.message).toBe("Job 'Backup' failed due to engine failure: Lambda.Unknown.");
  });

  it('a cancel or a timeout asked for wins over everything else', () => {
    const cancelled = notificationSummary(
      run({ stopRequested: 'cancelled', criticalFailure: { index: 1, name: 'backup', phase: 'task' } }),
      plan,
      steps('succeeded', 'cancelled'),
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', title: '🛑 Backup was cancelled' });
    const timedOut = notificationSummary(run({ stopRequested: 'timed_out' }), plan, steps('timed_out'));
    expect(timedOut).toMatchObject({ status: 'timed_out', message: "Job 'Backup' ran out of time." });
  });

  it('a job without a name is named by its hook', () => {
    const unnamed = { ...job, name: undefined };
    expect(notificationSummary(run({ job: unnamed as RunRecord['job'] }), plan, steps()).title).toBe(
      '✅ ops/backup completed successfully',
    );
  });
});
