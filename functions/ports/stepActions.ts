import type { CollectedArtifact } from '../core/artifacts.ts';
import type { ArtifactInput } from './artifactStore.ts';
import type { ArtifactCollectionRequest } from './artifactStore.ts';
import type { StepActionKind } from '../core/job.ts';
import type {
  ActionStatus,
  PlannedStep,
  StepError,
  StepOutput,
  StepProcess,
  StopReason,
} from '../core/runModel.ts';
import type { Bus } from './bus.ts';
import type { CommandRunner } from './commandRunner.ts';
import type { Invoker } from './invoker.ts';

/** What a step action (command, http, lambda, event) is given and what it reports. */
export interface ActionInput {
  planned: PlannedStep;
  /** The whole environment of a command step (functions/app/commandEnvironment.ts: base variables, passed names, job and step env, HOOKLINE_*). */
  env: Record<string, string>;
  /** The JSON document a command step gets on stdin (README.md, "Jobs and steps"), also the context of other actions. */
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

export type { StopReason };

export interface ConfigChange {
  update?: Record<string, unknown>;
  remove?: string[];
}

export interface ActionOutcome {
  status: ActionStatus;
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

/** The ports an action may reach, and the run's place in a chain of lifecycle events. */
export interface StepActionContext {
  commands: CommandRunner;
  invoker: Invoker;
  bus: Bus;
  /** The run's depth in a chain of hooks fired by lifecycle events (event steps carry it on). */
  chainDepth: number;
}

/**
 * The step actions (functions/runners/*), as the step runner (functions/app/runStep.ts) reaches them:
 * given to it by the step function (functions/handlers/step.ts), so the use case imports no runner.
 */
export interface StepActions {
  actionFor(kind: StepActionKind, context: StepActionContext): Action;
}
