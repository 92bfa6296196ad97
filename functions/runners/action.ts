import type { CollectedArtifact } from '../core/artifacts.ts';
import type { ArtifactInput } from '../ports/artifactStore.ts';
import type { ArtifactCollectionRequest } from './artifactFiles.ts';
import type { PlannedStep, StepError, StepOutput, StepProcess } from '../core/runModel.ts';

/** What a step action (command, http, lambda, event) is given and what it reports. */
export interface ActionInput {
  planned: PlannedStep;
  /** The whole environment of a command step (functions/app/commandEnvironment.ts: base variables, passed names, job and step env, HOOKLINE_*). */
  env: Record<string, string>;
  /** The JSON document a command step gets on stdin (DESIGN.md §3.3), also the context of other actions. */
  document: Record<string, unknown>;
  /** Aborted when the run is cancelled or its deadline passes; `signal.reason` says which. */
  signal: AbortSignal;
  timeoutMs: number;
  outputLimitBytes: number;
  /** Per-hook secret for signing http steps. */
  signingSecret?: string;
  /** Told the process group a command step started (recorded on the step so recovery can kill it). */
  onProcessStarted?: (process: StepProcess) => void;
  /**
   * Told each time a command's stdout/stderr grew (as chunks are read from the child); `current`
   * gives the bounded output so far. The step runner persists it (functions/app/liveOutput.ts).
   */
  onOutput?: (current: () => StepOutput, chunkBytes: number) => void;
  /** A command step's declared files: kept after it (functions/app/stepArtifacts.ts). */
  artifacts?: ArtifactCollectionRequest;
  /** Earlier steps' artifacts, given to a command step in HOOKLINE_ARTIFACTS_DIR. */
  artifactInputs?: ArtifactInput[];
}

export type StopReason = 'cancelled' | 'timed_out';

export interface ConfigChange {
  update?: Record<string, unknown>;
  remove?: string[];
}

export interface ActionOutcome {
  status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
  exitCode?: number | null;
  signal?: string | null;
  error?: StepError;
  output: StepOutput;
  /** The step was cut short because the service stopped (not by its own doing). */
  interrupted?: boolean;
  /** A `hook.config` change asked for on stdout (Razor's protocol). */
  configChange?: ConfigChange;
  /** The files a command step kept (its `artifacts`). */
  artifacts?: CollectedArtifact[];
}

export type Action = (input: ActionInput) => Promise<ActionOutcome>;

/** Reads Razor's JSON protocol from a step's stdout: `hook.config.update/remove`, `output`, `error`. */
export function readStdoutProtocol(stdout: string): {
  configChange?: ConfigChange;
  data?: unknown;
  error?: StepError;
} {
  const text = stdout.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const doc = parsed as Record<string, unknown>;
  const out: { configChange?: ConfigChange; data?: unknown; error?: StepError } = {};
  const config = (doc.hook as { config?: Record<string, unknown> } | undefined)?.config;
  if (config && typeof config === 'object') {
    const change: ConfigChange = {};
    if (config.update && typeof config.update === 'object' && !Array.isArray(config.update)) {
      change.update = config.update as Record<string, unknown>;
    }
    if (Array.isArray(config.remove))
      change.remove = config.remove.filter((k): k is string => typeof k === 'string');
    if (change.update || change.remove) out.configChange = change;
  }
  if ('output' in doc) out.data = doc.output;
  if (doc.error && typeof doc.error === 'object' && typeof (doc.error as StepError).message === 'string') {
    out.error = doc.error as StepError;
  } else if (typeof doc.error === 'string') {
    out.error = { message: doc.error };
  }
  return out;
}
