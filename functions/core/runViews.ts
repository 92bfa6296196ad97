import * as z from 'zod';
import { runCountsSchema } from './jobFlow.ts';
import { runRecordSchema, runSummarySchema, stepOutputSchema, stepRecordSchema } from './runModel.ts';

/**
 * What clients see of a run (README.md, "The API"): GET /runs/{runId}, its `step` events, and
 * GET /runs/{runId}/steps/{index}/output. Each view is derived from the stored records
 * (functions/core/runModel.ts) with `.pick` and `.extend`; functions/app/runQueries.ts builds them
 * and functions/api/schemas.ts answers with them, so a field is spelled once.
 */

/** The tail of a step's output, as the run status shows it (the output endpoint has all that was kept). */
export const stepOutputTailSchema = stepOutputSchema
  .pick({ stdout: true, stderr: true, body: true })
  .extend({ truncated: z.boolean() });

/** A step as GET /runs/{runId} shows it (and the `step` run event). */
export const stepViewSchema = stepRecordSchema
  .pick({
    index: true,
    phase: true,
    name: true,
    status: true,
    reason: true,
    exitCode: true,
    error: true,
    startedAt: true,
    finishedAt: true,
    durationMs: true,
    attempts: true,
  })
  .extend({
    output: stepOutputTailSchema
      .optional()
      .describe('The tail of the output; all that was kept is at …/steps/{index}/output.'),
  });
export type StepView = z.infer<typeof stepViewSchema>;

/** The fields of the step record a step view shows as they are stored. */
export const STEP_VIEW_RECORD_FIELDS = Object.keys(
  stepViewSchema.omit({ output: true }).shape,
) as (keyof z.infer<typeof stepRecordSchema> & keyof StepView)[];

/** The run status shape clients rely on: the run's summary, its counts and its steps. */
export const runStatusViewSchema = runSummarySchema.extend({
  /** Taskcluster's name for the run id. */
  taskId: runRecordSchema.shape.runId,
  // null rather than absent until the run starts and ends.
  startedAt: runSummarySchema.shape.startedAt.unwrap().nullable(),
  finishedAt: runSummarySchema.shape.finishedAt.unwrap().nullable(),
  counts: runCountsSchema,
  steps: z.array(stepViewSchema),
  rerunOf: runRecordSchema.shape.rerunOf,
  error: runRecordSchema.shape.error,
});
export type RunStatusView = z.infer<typeof runStatusViewSchema>;

/**
 * A step's kept output from the offsets asked for to what has arrived so far, while the step runs
 * too (functions/app/liveOutput.ts stores it as it comes).
 */
export const stepOutputViewSchema = stepRecordSchema
  .pick({ runId: true, index: true, name: true, status: true })
  .extend({
    stdout: z.string().describe('The stdout kept from stdoutOffset to what has arrived so far.'),
    stderr: z.string().describe('The stderr kept from stderrOffset to what has arrived so far.'),
    stdoutOffset: z.int().describe('Where the next request continues reading stdout.'),
    stderrOffset: z.int().describe('Where the next request continues reading stderr.'),
    body: stepOutputSchema.shape.body,
    data: stepOutputSchema.shape.data,
    truncated: z.boolean().describe('The middle of a stream was cut (the text says where and how much).'),
    complete: z.boolean().describe('The step has finished: no more output will come.'),
  });
export type StepOutputView = z.infer<typeof stepOutputViewSchema>;
