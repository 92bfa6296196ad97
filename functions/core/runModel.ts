import * as z from 'zod';
import { artifactRecordSchema } from './artifacts.ts';
import { hookGroupIdSchema, hookIdSchema } from './ids.ts';
import { jobSchema, type Step } from './job.ts';
import { streamWindowSchema } from './outputBounds.ts';
import { FIRING_PATHS, RUN_RESULTS, RUN_STATUSES, STEP_STATUSES } from './runStates.ts';

/**
 * Run and step records as stored (README.md, "Jobs and steps" and "The API"): one zod model, the
 * types inferred from it. What clients see of a run is derived from these schemas
 * (functions/core/runViews.ts), and the API's schemas (functions/api/schemas.ts) and the OpenAPI
 * document use those very shapes, so no field is spelled twice.
 */
export const firedBySchema = z.enum(FIRING_PATHS);
export type FiredBy = z.infer<typeof firedBySchema>;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const runResultSchema = z.enum(RUN_RESULTS);
export type RunResult = z.infer<typeof runResultSchema>;
export const stepStatusSchema = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof stepStatusSchema>;
/** What a step's action reports (functions/ports/stepActions.ts): the ending statuses a run of it can have. */
export const actionStatusSchema = stepStatusSchema.extract(['succeeded', 'failed', 'timed_out', 'cancelled']);
export type ActionStatus = z.infer<typeof actionStatusSchema>;

export const phaseSchema = z.enum(['pre', 'task', 'post', 'notify']);
export type Phase = z.infer<typeof phaseSchema>;

/** Why a run was asked to stop: a cancel, or its deadline passed. */
export const stopReasonSchema = z.enum(['cancelled', 'timed_out']);
export type StopReason = z.infer<typeof stopReasonSchema>;

/** A time as the records keep it: ISO 8601 in UTC, as `Date.toISOString()` writes it. */
const timestampSchema = z.iso.datetime();

/** What went wrong, with whatever else the runner or the engine said about it. */
export const stepErrorSchema = z.looseObject({ message: z.string() });
export type StepError = z.infer<typeof stepErrorSchema>;

/**
 * The first critical failure, which sends the run down the skip branch: a critical step that
 * failed, or any step the engine failed (`engineError` says how; `recordEngineError` in functions/app/runStep.ts).
 */
export const criticalFailureSchema = z.strictObject({
  index: z.int(),
  name: z.string(),
  phase: phaseSchema,
  engineError: z.string().optional(),
});
export type CriticalFailure = z.infer<typeof criticalFailureSchema>;

export const runRecordSchema = z.strictObject({
  runId: z.string(),
  hookGroupId: hookGroupIdSchema,
  hookId: hookIdSchema,
  firedBy: firedBySchema,
  status: runStatusSchema,
  result: runResultSchema.nullable(),
  createdAt: timestampSchema,
  startedAt: timestampSchema.optional(),
  finishedAt: timestampSchema.optional(),
  job: jobSchema,
  /** What the job was rendered from, kept for reruns and for the steps' stdin. */
  payload: z.unknown().optional(),
  clientId: z.string().optional(),
  /** When the whole run must end (job.timeoutSeconds). */
  deadline: timestampSchema.optional(),
  /** A stop that was asked for: the running step is killed, the rest settled. */
  stopRequested: stopReasonSchema.optional(),
  criticalFailure: criticalFailureSchema.optional(),
  /** Depth of the chain of hooks firing each other through lifecycle events. */
  depth: z.int(),
  /** The run this one re-runs, if any. */
  rerunOf: z.string().optional(),
  error: stepErrorSchema.optional(),
  /**
   * Where the run stands in its hook's queue under a concurrency limit (`queuePosition` in
   * functions/app/concurrency.ts): its creation time, then the order this process admitted it in.
   */
  queuePosition: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A run in a listing (Store.listRuns, GET /runs): the run record without its job, payload and bookkeeping. */
export const runSummarySchema = runRecordSchema.pick({
  runId: true,
  hookGroupId: true,
  hookId: true,
  firedBy: true,
  status: true,
  result: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
});
export type RunSummary = z.infer<typeof runSummarySchema>;

const RUN_SUMMARY_FIELDS = Object.keys(runSummarySchema.shape) as (keyof RunSummary)[];

/** The listing of a run: its summary fields, those it has. */
export function runSummaryOf(run: RunRecord): RunSummary {
  const summary: Record<string, unknown> = {};
  for (const field of RUN_SUMMARY_FIELDS) if (run[field] !== undefined) summary[field] = run[field];
  return summary as RunSummary;
}

/** A command's process group, named so that a reused pid is never mistaken for it (functions/runners/processGroup.ts). */
export const stepProcessSchema = z.strictObject({
  /** The process group id (the leader's pid). */
  pgid: z.int(),
  /** The leader's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  startTicks: z.number(),
  /** The machine boot the process belongs to (/proc/sys/kernel/random/boot_id). */
  bootId: z.string(),
});
export type StepProcess = z.infer<typeof stepProcessSchema>;

/** Text kept by the runner: bounded stdout / stderr / response body (functions/core/outputBounds.ts). */
export const stepOutputSchema = z.strictObject({
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  body: z.string().optional(),
  /** Anything the step reported in its JSON stdout `output` field. */
  data: z.unknown().optional(),
  truncated: z.boolean().optional(),
  /** Where the kept stdout/stderr stand in the whole streams (offsets of functions/core/outputWindow.ts). */
  streams: z
    .strictObject({ stdout: streamWindowSchema.optional(), stderr: streamWindowSchema.optional() })
    .optional(),
});
export type StepOutput = z.infer<typeof stepOutputSchema>;

export const stepRecordSchema = z.strictObject({
  runId: z.string(),
  index: z.int(),
  phase: phaseSchema,
  name: z.string(),
  status: stepStatusSchema,
  reason: z.string().optional(),
  exitCode: z.int().nullable().optional(),
  signal: z.string().nullable().optional(),
  error: stepErrorSchema.optional(),
  startedAt: timestampSchema.optional(),
  finishedAt: timestampSchema.optional(),
  durationMs: z.number().optional(),
  attempts: z.int().optional(),
  /** The claim that owns this step while it runs (idempotency per runId and step). */
  claim: z.string().optional(),
  /** The running command's process group, so recovery can kill it after a crash (never reused). */
  process: stepProcessSchema.optional(),
  /** The files the step kept (its `artifacts`, functions/core/artifacts.ts). */
  artifacts: z.array(artifactRecordSchema).optional(),
});
export type StepRecord = z.infer<typeof stepRecordSchema>;

/** A step of the job with its defaults resolved and its place in the flow. */
export interface PlannedStep {
  index: number;
  phase: Phase;
  name: string;
  critical: boolean;
  continueOnFailure: boolean;
  runOnFailure: boolean;
  timeoutSeconds: number;
  step: Step;
}
