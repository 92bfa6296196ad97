import * as z from 'zod';
import type { ArtifactRecord } from './artifacts.ts';
import type { Job, Step } from './job.ts';
import type { StreamWindow } from './outputBounds.ts';
import type { FiredBy } from './render.ts';

/**
 * Run and step records as stored (README.md, "Jobs and steps" and "The API"). The enumerations are zod
 * schemas, so the API's schemas (functions/api/schemas.ts) and the OpenAPI document use these very values.
 */
export const runStatusSchema = z.enum(['pending', 'running', 'finished']);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const runResultSchema = z.enum([
  'succeeded',
  'succeeded_with_warnings',
  'failed',
  'cancelled',
  'timed_out',
]);
export type RunResult = z.infer<typeof runResultSchema>;
export const stepStatusSchema = z.enum([
  'pending',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'timed_out',
  'cancelled',
]);
export type StepStatus = z.infer<typeof stepStatusSchema>;
export const phaseSchema = z.enum(['pre', 'task', 'post', 'notify']);
export type Phase = z.infer<typeof phaseSchema>;

export const TERMINAL_STEP_STATUSES: ReadonlySet<StepStatus> = new Set([
  'succeeded',
  'failed',
  'skipped',
  'timed_out',
  'cancelled',
]);

export interface StepError {
  message: string;
  [key: string]: unknown;
}

export interface RunRecord {
  runId: string;
  hookGroupId: string;
  hookId: string;
  firedBy: FiredBy;
  status: RunStatus;
  result: RunResult | null;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  job: Job;
  /** What the job was rendered from, kept for reruns and for the steps' stdin. */
  payload?: unknown;
  clientId?: string;
  /** When the whole run must end (job.timeoutSeconds). */
  deadline?: string;
  /** A stop that was asked for: the running step is killed, the rest settled. */
  stopRequested?: 'cancelled' | 'timed_out';
  /**
   * The first critical failure, which sends the run down the skip branch: a critical step that
   * failed, or any step the engine failed (`engineError` says how; functions/app/recordEngineError.ts).
   */
  criticalFailure?: { index: number; name: string; phase: Phase; engineError?: string };
  /** Depth of the chain of hooks firing each other through lifecycle events. */
  depth: number;
  /** The run this one re-runs, if any. */
  rerunOf?: string;
  error?: StepError;
}

/** A run in a listing: the run record without its job, payload and bookkeeping. */
export type RunSummary = Pick<
  RunRecord,
  | 'runId'
  | 'hookGroupId'
  | 'hookId'
  | 'firedBy'
  | 'status'
  | 'result'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
>;

/** The listing of a run: its summary fields, those it has. */
export function runSummaryOf(run: RunRecord): RunSummary {
  const summary: RunSummary = {
    runId: run.runId,
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
    firedBy: run.firedBy,
    status: run.status,
    result: run.result,
    createdAt: run.createdAt,
  };
  if (run.startedAt !== undefined) summary.startedAt = run.startedAt;
  if (run.finishedAt !== undefined) summary.finishedAt = run.finishedAt;
  return summary;
}

export interface StepRecord {
  runId: string;
  index: number;
  phase: Phase;
  name: string;
  status: StepStatus;
  reason?: string;
  exitCode?: number | null;
  signal?: string | null;
  error?: StepError;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  attempts?: number;
  /** The claim that owns this step while it runs (idempotency per runId and step). */
  claim?: string;
  /** The running command's process group, so recovery can kill it after a crash (never reused). */
  process?: StepProcess;
  /** Text kept by the runner: bounded stdout / stderr / response body. */
  output?: StepOutput;
  /** The files the step kept (its `artifacts`, functions/core/artifacts.ts). */
  artifacts?: ArtifactRecord[];
}

/** A command's process group, named so that a reused pid is never mistaken for it (functions/runners/processGroup.ts). */
export interface StepProcess {
  /** The process group id (the leader's pid). */
  pgid: number;
  /** The leader's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  startTicks: number;
  /** The machine boot the process belongs to (/proc/sys/kernel/random/boot_id). */
  bootId: string;
}

export interface StepOutput {
  stdout?: string;
  stderr?: string;
  body?: string;
  /** Anything the step reported in its JSON stdout `output` field. */
  data?: unknown;
  truncated?: boolean;
  /** Where the kept stdout/stderr stand in the whole streams (offsets of functions/core/outputWindow.ts). */
  streams?: { stdout?: StreamWindow; stderr?: StreamWindow };
}

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
