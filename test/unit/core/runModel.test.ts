import { describe, expect, it } from 'vitest';
import { stepViewWithOutput } from '../../../functions/app/runQueries.ts';
import { runCountsSchema } from '../../../functions/core/jobFlow.ts';
import {
  type RunRecord,
  runRecordSchema,
  runSummaryOf,
  runSummarySchema,
  type StepRecord,
  stepOutputSchema,
  stepRecordSchema,
} from '../../../functions/core/runModel.ts';
import {
  runStatusViewSchema,
  STEP_VIEW_RECORD_FIELDS,
  stepOutputTailSchema,
  stepOutputViewSchema,
  stepViewSchema,
} from '../../../functions/core/runViews.ts';

/**
 * The run and step records are one zod model (functions/core/runModel.ts); what clients see of them
 * (functions/core/runViews.ts, the API's schemas) is derived from it, field by field.
 */

const run: RunRecord = {
  runId: 'aQ2fsiv1T6WUdd4nwlfhcw',
  hookGroupId: 'group',
  hookId: 'hook/one',
  firedBy: 'triggerHook',
  status: 'running',
  result: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  startedAt: '2030-01-01T00:00:01.000Z',
  job: { task: { name: 'build', command: ['make'] } },
  payload: { ref: 'main' },
  deadline: '2030-01-01T01:00:00.000Z',
  depth: 0,
};

const step: StepRecord = {
  runId: run.runId,
  index: 0,
  phase: 'task',
  name: 'build',
  status: 'running',
  startedAt: '2030-01-01T00:00:01.000Z',
  claim: 'c0ffee',
  process: { pgid: 4242, startTicks: 123456, bootId: 'b00t' },
};

describe('the run and step records', () => {
  it('accept records as the step runner writes them', () => {
    expect(runRecordSchema.parse(run)).toEqual(run);
    expect(stepRecordSchema.parse(step)).toEqual(step);
    const finished: RunRecord = {
      ...run,
      status: 'finished',
      result: 'failed',
      finishedAt: '2030-01-01T00:02:00.000Z',
      stopRequested: 'timed_out',
      criticalFailure: { index: 0, name: 'build', phase: 'task', engineError: 'Lambda.Unknown' },
      error: { message: 'the run timed out', cause: 'deadline' },
    };
    expect(runRecordSchema.parse(finished)).toEqual(finished);
  });

  it('refuse a field the model does not have, a value outside an enumeration, a time that is not ISO 8601', () => {
    expect(runRecordSchema.safeParse({ ...run, expiresAt: 1 }).success).toBe(false);
    expect(runRecordSchema.safeParse({ ...run, status: 'done' }).success).toBe(false);
    expect(runRecordSchema.safeParse({ ...run, createdAt: 'yesterday' }).success).toBe(false);
    expect(runRecordSchema.safeParse({ ...run, stopRequested: 'paused' }).success).toBe(false);
    expect(stepRecordSchema.safeParse({ ...step, status: 'done' }).success).toBe(false);
    expect(stepRecordSchema.safeParse({ ...step, process: { pgid: 1 } }).success).toBe(false);
    expect(stepOutputSchema.safeParse({ stdout: 'x', streams: { stdout: { length: 1 } } }).success).toBe(
      false,
    );
  });
});

describe('a run in a listing', () => {
  it('keeps the summary fields the run has, its null result included, and nothing else', () => {
    const summary = runSummaryOf(run);
    expect(summary).toEqual({
      runId: run.runId,
      hookGroupId: 'group',
      hookId: 'hook/one',
      firedBy: 'triggerHook',
      status: 'running',
      result: null,
      createdAt: '2030-01-01T00:00:00.000Z',
      startedAt: '2030-01-01T00:00:01.000Z',
    });
    expect(runSummarySchema.parse(summary)).toEqual(summary);
  });

  it('is the run record picked: the same field schemas, strict like it', () => {
    for (const [field, schema] of Object.entries(runSummarySchema.shape))
      expect(schema).toBe(runRecordSchema.shape[field as keyof RunRecord]);
    expect(runSummarySchema.safeParse({ ...runSummaryOf(run), job: run.job }).success).toBe(false);
  });
});

describe('what clients see of a run', () => {
  it("shows each record field with the record's own schema", () => {
    for (const field of STEP_VIEW_RECORD_FIELDS)
      expect(stepViewSchema.shape[field]).toBe(stepRecordSchema.shape[field]);
    for (const field of [
      'runId',
      'hookGroupId',
      'hookId',
      'firedBy',
      'status',
      'result',
      'createdAt',
      'rerunOf',
      'error',
    ] as const)
      expect(runStatusViewSchema.shape[field]).toBe(runRecordSchema.shape[field]);
    for (const field of ['runId', 'index', 'name', 'status'] as const)
      expect(stepOutputViewSchema.shape[field]).toBe(stepRecordSchema.shape[field]);
    for (const field of ['stdout', 'stderr', 'body'] as const)
      expect(stepOutputTailSchema.shape[field]).toBe(stepOutputSchema.shape[field]);
    expect(runStatusViewSchema.shape.counts).toBe(runCountsSchema);
  });

  it('a run status shows a time the run has not reached yet as null, not absent', () => {
    const view = {
      ...runSummaryOf(run),
      taskId: run.runId,
      startedAt: null,
      finishedAt: null,
      counts: { total: 1, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 },
      steps: [],
    };
    expect(runStatusViewSchema.parse(view)).toEqual(view);
    const { finishedAt: _, ...withoutFinishedAt } = view;
    expect(runStatusViewSchema.safeParse(withoutFinishedAt).success).toBe(false);
  });

  it("a step's view leaves out its bookkeeping (claim, process group) and shows its output's tail", () => {
    const view = stepViewWithOutput(step, {
      stdout: 'making\n',
      streams: { stdout: { length: 7, headLength: 7, tailStart: 7 } },
    });
    expect(view).toEqual({
      index: 0,
      phase: 'task',
      name: 'build',
      status: 'running',
      startedAt: '2030-01-01T00:00:01.000Z',
      output: { stdout: 'making\n', truncated: false },
    });
    expect(stepViewSchema.parse(view)).toEqual(view);
    expect(stepViewSchema.safeParse({ ...view, claim: 'c0ffee' }).success).toBe(false);
  });
});
