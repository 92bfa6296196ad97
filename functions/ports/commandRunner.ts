import type { ActionOutcome } from './stepActions.ts';
import type { ArtifactCollectionRequest } from './artifactStore.ts';
import type { ArtifactInput } from './artifactStore.ts';
import type { StepOutput, StepProcess } from '../core/runModel.ts';

/**
 * Runs the program of a `command` step somewhere that holds none of Hookline's credentials: locally
 * a child process (as the `--run-as` user when one is set), in the cloud the command-runner Lambda
 * function, whose role grants nothing but its own logs. Both run `functions/runners/command.ts`.
 */
export interface CommandRequest {
  /** An argv array (exec'd directly) or a string (run under `shell -c`). */
  command: string | string[];
  shell?: string;
  /** The step's `cwd`; absent: a fresh 0700 directory made for this command and removed after it. */
  cwd?: string;
  /** The whole environment of the command (see `functions/app/commandEnvironment.ts`); nothing else is inherited. */
  env: Record<string, string>;
  /** The JSON document written to the command's stdin. */
  stdin: string;
  timeoutMs: number;
  /** Bytes kept per output stream (head and tail). */
  outputLimitBytes: number;
  /** The step's `artifacts`: its declared files, kept after it where the artifact store says. */
  artifacts?: ArtifactCollectionRequest;
  /** Earlier steps' artifacts, copied into a fresh directory the command finds in HOOKLINE_ARTIFACTS_DIR. */
  artifactInputs?: ArtifactInput[];
}

/** A piece of output as it is produced (streamed back by the cloud runner; live output builds on it). */
export interface CommandOutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface CommandRunner {
  /**
   * Runs the command to its end: exit code, bounded stdout/stderr, the parsed stdout protocol.
   * Aborting `signal` (reason `cancelled` or `timed_out`) kills the command's process group.
   */
  run(request: CommandRequest, signal: AbortSignal, observers?: CommandObservers): Promise<ActionOutcome>;
}

/** What the step runner is told while a command runs. */
export interface CommandObservers {
  /** The output grew: `current()` is the bounded output so far (live output, functions/app/liveOutput.ts). */
  onOutput?: (current: () => StepOutput, chunkBytes: number) => void;
  /** Locally: the process group, as soon as the command runs (crash recovery kills it). */
  onProcessStarted?: (process: StepProcess) => void;
}
