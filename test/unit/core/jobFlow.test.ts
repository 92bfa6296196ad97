import { describe, expect, it } from 'vitest';
import {
  countSteps,
  decideStep,
  isCriticalFailure,
  jobStatusSoFar,
  leavesPhaseOnCriticalFailure,
  planSteps,
  runResult,
  settleLeftovers,
  SKIP_REASONS,
} from '../../../functions/core/jobFlow.ts';
import type { Job } from '../../../functions/core/job.ts';
import type { RunRecord, StepRecord, StepStatus } from '../../../functions/core/runModel.ts';

const c = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: 'true', ...extra });
const job: Job = {
  preHooks: [c('p1', { critical: true }), c('p2', { continueOnFailure: false }), c('p3')],
  tasks: [c('t1'), c('t2', { critical: false })],
  postHooks: [c('q1'), c('q2', { runOnFailure: true })],
  notify: [c('n1')],
};
const plan = planSteps(job);
const run = (extra: Partial<RunRecord> = {}): RunRecord => ({
  runId: 'r',
  hookGroupId: 'g',
  hookId: 'h',
  firedBy: 'triggerHook',
  status: 'running',
  result: null,
  createdAt: '',
  job,
  depth: 0,
  ...extra,
});
const steps = (statuses: StepStatus[]): StepRecord[] =>
  plan.map((p, i) => ({
    runId: 'r',
    index: p.index,
    phase: p.phase,
    name: p.name,
    status: statuses[i] ?? 'pending',
  }));

describe('planSteps', () => {
  it('orders the phases and applies the defaults', () => {
    expect(
      plan.map((p) => [p.phase, p.name, p.critical, p.continueOnFailure, p.runOnFailure, p.timeoutSeconds]),
    ).toEqual([
      ['pre', 'p1', true, true, false, 300],
      ['pre', 'p2', false, false, false, 300],
      ['pre', 'p3', false, true, false, 300],
      ['task', 't1', true, true, false, 300],
      ['task', 't2', false, true, false, 300],
      ['post', 'q1', false, true, false, 300],
      ['post', 'q2', false, true, true, 300],
      ['notify', 'n1', false, true, true, 300],
    ]);
  });
});

describe('decideStep', () => {
  it('runs steps normally', () => {
    expect(decideStep(run(), plan, steps([]), 0)).toEqual({ action: 'run' });
  });

  it('after a critical hook failure skips pre-hooks and tasks and post-hooks without runOnFailure', () => {
    const failed = run({ criticalFailure: { index: 0, name: 'p1', phase: 'pre' } });
    const s = steps(['failed']);
    expect(decideStep(failed, plan, s, 1)).toEqual({
      action: 'settle',
      status: 'skipped',
      reason: SKIP_REASONS.criticalHook,
    });
    expect(decideStep(failed, plan, s, 3)).toEqual({
      action: 'settle',
      status: 'skipped',
      reason: SKIP_REASONS.criticalHook,
    });
    expect(decideStep(failed, plan, s, 5)).toEqual({
      action: 'settle',
      status: 'skipped',
      reason: SKIP_REASONS.criticalHook,
    });
    expect(decideStep(failed, plan, s, 6)).toEqual({ action: 'run' });
    expect(decideStep(failed, plan, s, 7)).toEqual({ action: 'run' });
  });

  it('says "critical task failure" after a task failed', () => {
    const failed = run({ criticalFailure: { index: 3, name: 't1', phase: 'task' } });
    expect(decideStep(failed, plan, steps([]), 4)).toMatchObject({
      reason: 'skipped due to critical task failure',
    });
  });

  it('continueOnFailure: false skips the rest of its phase only', () => {
    const s = steps(['succeeded', 'failed']);
    expect(decideStep(run(), plan, s, 2)).toEqual({
      action: 'settle',
      status: 'skipped',
      reason: SKIP_REASONS.phaseStopped,
    });
    expect(decideStep(run(), plan, s, 3)).toEqual({ action: 'run' });
  });

  it('a stop cancels what is left, except runOnFailure post-hooks and notifications', () => {
    const cancelled = run({ stopRequested: 'cancelled' });
    expect(decideStep(cancelled, plan, steps([]), 3)).toEqual({
      action: 'settle',
      status: 'cancelled',
      reason: SKIP_REASONS.cancelled,
    });
    expect(decideStep(cancelled, plan, steps([]), 6)).toEqual({ action: 'run' });
    const timedOut = run({ stopRequested: 'timed_out' });
    expect(decideStep(timedOut, plan, steps([]), 5)).toEqual({
      action: 'settle',
      status: 'skipped',
      reason: SKIP_REASONS.timedOut,
    });
  });
});

describe('results', () => {
  it('computes the run result from the steps', () => {
    expect(runResult(run(), plan, steps(Array(8).fill('succeeded')))).toBe('succeeded');
    expect(
      runResult(
        run(),
        plan,
        steps([
          'succeeded',
          'failed',
          'skipped',
          'succeeded',
          'succeeded',
          'succeeded',
          'succeeded',
          'succeeded',
        ]),
      ),
    ).toBe('succeeded_with_warnings');
    expect(
      runResult(run({ criticalFailure: { index: 0, name: 'p1', phase: 'pre' } }), plan, steps(['failed'])),
    ).toBe('failed');
    expect(runResult(run({ stopRequested: 'cancelled' }), plan, steps([]))).toBe('cancelled');
    expect(runResult(run({ stopRequested: 'timed_out' }), plan, steps([]))).toBe('timed_out');
    // a failed notification does not change the job's result
    expect(runResult(run(), plan, steps([...Array(7).fill('succeeded'), 'failed']))).toBe('succeeded');
  });

  it('tells post-hooks the job status so far', () => {
    expect(jobStatusSoFar(run(), steps(['succeeded']))).toBe('succeeded');
    expect(jobStatusSoFar(run(), steps(['succeeded', 'timed_out']))).toBe('succeeded_with_warnings');
    expect(jobStatusSoFar(run({ criticalFailure: { index: 3, name: 't1', phase: 'task' } }), steps([]))).toBe(
      'failed',
    );
  });

  it('only critical pre-hook, task and post-hook failures take the skip branch', () => {
    expect(isCriticalFailure(plan[0]!, 'failed')).toBe(true);
    expect(isCriticalFailure(plan[0]!, 'timed_out')).toBe(true);
    expect(isCriticalFailure(plan[1]!, 'failed')).toBe(false);
    expect(isCriticalFailure(plan[3]!, 'failed')).toBe(true);
    expect(isCriticalFailure(plan[4]!, 'failed')).toBe(false);
    expect(isCriticalFailure(plan[0]!, 'cancelled')).toBe(false);
    expect(isCriticalFailure(plan[5]!, 'failed')).toBe(false);
    expect(leavesPhaseOnCriticalFailure(plan[0]!)).toBe(true);
    expect(leavesPhaseOnCriticalFailure(plan[3]!)).toBe(true);
  });

  it('a critical post-hook fails the run; later post-hooks run only where runOnFailure is set', () => {
    const postJob: Job = {
      task: c('t'),
      postHooks: [c('q1', { critical: true }), c('q2'), c('q3', { runOnFailure: true })],
      notify: [c('n1')],
    };
    const postPlan = planSteps(postJob);
    expect(isCriticalFailure(postPlan[1]!, 'failed')).toBe(true);
    expect(leavesPhaseOnCriticalFailure(postPlan[1]!)).toBe(false);
    const failedRun = run({ job: postJob, criticalFailure: { index: 1, name: 'q1', phase: 'post' } });
    const postSteps: StepRecord[] = postPlan.map((p, i) => ({
      runId: 'r',
      index: p.index,
      phase: p.phase,
      name: p.name,
      status: (['succeeded', 'failed'] as StepStatus[])[i] ?? 'pending',
    }));
    expect(decideStep(failedRun, postPlan, postSteps, 2)).toEqual({
      action: 'settle',
      status: 'skipped',
      reason: SKIP_REASONS.criticalHook,
    });
    expect(decideStep(failedRun, postPlan, postSteps, 3)).toEqual({ action: 'run' });
    expect(decideStep(failedRun, postPlan, postSteps, 4)).toEqual({ action: 'run' });
    expect(runResult(failedRun, postPlan, postSteps)).toBe('failed');
  });

  it('after an engine error, later steps are skipped with a reason that says so', () => {
    const engineRun = run({
      criticalFailure: { index: 0, name: 'p1', phase: 'pre', engineError: 'Sandbox.Timedout' },
    });
    expect(decideStep(engineRun, plan, steps(['failed']), 3)).toEqual({
      action: 'settle',
      status: 'skipped',
      reason: SKIP_REASONS.engineError,
    });
    expect(runResult(engineRun, plan, steps(['failed']))).toBe('failed');
  });

  it('counts and settles leftovers', () => {
    expect(countSteps(steps(['succeeded', 'failed', 'skipped', 'cancelled', 'timed_out']))).toEqual({
      total: 8,
      succeeded: 1,
      failed: 2,
      skipped: 1,
      cancelled: 1,
    });
    const left = settleLeftovers(steps(['succeeded', 'running']), 'States.Timeout');
    expect(left.map((s) => [s.index, s.status])).toEqual([
      [1, 'failed'],
      [2, 'skipped'],
      [3, 'skipped'],
      [4, 'skipped'],
      [5, 'skipped'],
      [6, 'skipped'],
      [7, 'skipped'],
    ]);
    expect(left[0]!.reason).toBe('the engine stopped the run: States.Timeout');
  });
});
