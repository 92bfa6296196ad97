import { rm, rmdir } from 'node:fs/promises';
import { BoundedText } from '../core/outputBounds.ts';
import type { StepProcess } from '../core/runModel.ts';
import type { CommandObservers, CommandOutputChunk, CommandRequest } from '../ports/commandRunner.ts';
import type { ActionOutcome, StopReason } from '../ports/stepActions.ts';
import { readStdoutProtocol } from './stdoutProtocol.ts';
import { collectArtifacts, prepareArtifactInputs } from './artifactFiles.ts';
import {
  inThreadLauncher,
  type LaunchEvents,
  type LaunchSpec,
  type ProcessLauncher,
} from './processLauncher.ts';

/**
 * The program of a `command` step: a child process in its own process group, under `shell`
 * (default /bin/sh) when the command is a string, or exec'd directly when it is an argv array.
 * Payload values reach it only through env and stdin. Its environment is exactly the request's
 * (nothing is inherited from this process). Unless the step sets `cwd` it runs in a fresh 0700
 * directory under the system's temporary directory (`/tmp` in Lambda), made for this command and
 * removed when it ends. With a `RunAsIdentity` (the local stack's `--run-as`, when it runs as root)
 * it runs with that user's uid and gid, and its directory belongs to that user. A timeout or stop
 * kills the whole group. The local stack runs this in-process and has the process itself started by
 * its spawn helpers (`options.launcher`: functions/adapters/local/spawnPool.ts); the cloud's
 * command-runner function (`functions/handlers/commandRunner.ts`) runs the same module and spawns in
 * its own thread (functions/runners/processLauncher.ts).
 */
const DEFAULT_SHELL = '/bin/sh';
const KILL_GRACE_MS = 2000;

/** The user commands run as (uid and primary gid; Node's spawn drops supplementary groups). */
export interface RunAsIdentity {
  user: string;
  uid: number;
  gid: number;
  home: string;
}

export interface CommandProcessOptions extends CommandObservers {
  identity?: RunAsIdentity;
  /** Each piece of output as it is read (the cloud runner streams these back). */
  onChunk?: (chunk: CommandOutputChunk) => void;
  /** Told the command's process group as soon as it runs (recorded on the step for crash recovery). */
  onProcessStarted?: (process: StepProcess) => void;
  /** Where the process is spawned (functions/runners/processLauncher.ts); default: this thread. */
  launcher?: ProcessLauncher;
  /** How the command's own directories are named (functions/runners/scratchDirectory.ts). */
  scratchPrefix?: string;
}

/** Process groups still running, so the local stack can kill them all when it stops. */
const liveGroups = new Set<number>();

/** Process groups killed because the whole service is stopping (their steps were interrupted). */
const interruptedGroups = new Set<number>();
/** Leaders that have exited on their own, their result not yet collected: a stop must not call them interrupted. */
const exitedLeaders = new Set<number>();
export const INTERRUPTED_MESSAGE = 'interrupted: the local stack stopped while this step ran';

/** Commands handed to their launcher whose group is not known yet: killed as they start when marked. */
const startingCommands = new Set<{ interrupted: boolean }>();

/**
 * Kills every running command's group (and each command still being started, as it starts); one
 * whose leader already exited keeps its own result.
 */
export function killAllCommands(): void {
  for (const starting of startingCommands) starting.interrupted = true;
  for (const pid of liveGroups) {
    if (!exitedLeaders.has(pid)) interruptedGroups.add(pid);
    killGroup(pid, 'SIGKILL');
  }
  liveGroups.clear();
}

export function liveCommandCount(): number {
  return liveGroups.size + startingCommands.size;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Most commands leave their directory empty: one rmdir, and the recursive removal only when not. */
async function removeWorkingDirectory(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function launchSpec(request: CommandRequest, options: CommandProcessOptions): LaunchSpec {
  const { identity } = options;
  const { command } = request;
  const [file, args] =
    typeof command === 'string'
      ? [request.shell ?? DEFAULT_SHELL, ['-c', command]]
      : [command[0]!, command.slice(1)];
  return {
    file,
    args,
    ...(request.cwd === undefined ? { keepDirectory: Boolean(request.artifacts) } : { cwd: request.cwd }),
    env: request.env,
    stdin: request.stdin,
    ...(options.scratchPrefix ? { scratchPrefix: options.scratchPrefix } : {}),
    ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
  };
}

/**
 * Runs the command; with the step's `artifacts`, keeps its declared files after it; with earlier
 * steps' artifacts, gives them to it in HOOKLINE_ARTIFACTS_DIR (functions/runners/artifactFiles.ts).
 */
export async function runCommandProcess(
  request: CommandRequest,
  signal: AbortSignal,
  options: CommandProcessOptions = {},
): Promise<ActionOutcome> {
  let inputs: string | undefined;
  try {
    if (request.artifactInputs?.length)
      inputs = await prepareArtifactInputs(request.artifactInputs, options.identity, options.scratchPrefix);
  } catch (error) {
    if (inputs) await rm(inputs, { recursive: true, force: true });
    return {
      status: 'failed',
      error: { message: `the earlier steps' artifacts could not be given: ${(error as Error).message}` },
      output: {},
    };
  }
  try {
    const env = inputs ? { ...request.env, HOOKLINE_ARTIFACTS_DIR: inputs } : request.env;
    return await runProcess({ ...request, env }, signal, options);
  } finally {
    if (inputs) await rm(inputs, { recursive: true, force: true });
  }
}

/** The declared files of a command that ran to its exit; a problem with them fails a step that had succeeded. */
async function keepArtifacts(request: CommandRequest, cwd: string | undefined, outcome: ActionOutcome) {
  if (!request.artifacts || cwd === undefined || outcome.interrupted) return outcome;
  if (outcome.status !== 'succeeded' && outcome.status !== 'failed') return outcome;
  const kept = await collectArtifacts(cwd, request.artifacts);
  if (kept.ok) return { ...outcome, artifacts: kept.artifacts };
  if (outcome.status === 'failed') return outcome;
  return { ...outcome, status: 'failed' as const, error: { message: kept.message } };
}

function runProcess(
  request: CommandRequest,
  signal: AbortSignal,
  options: CommandProcessOptions,
): Promise<ActionOutcome> {
  return new Promise<ActionOutcome>((resolve, reject) => {
    const stdout = new BoundedText(request.outputLimitBytes);
    const stderr = new BoundedText(request.outputLimitBytes);
    const timeoutSeconds = request.timeoutMs / 1000;
    let stopped: StopReason | 'timeout' | undefined;
    let pid: number | undefined;
    let keptDirectory: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const removeDirectory = async () => {
      if (keptDirectory) await removeWorkingDirectory(keptDirectory);
      keptDirectory = undefined;
    };
    const stop = (why: StopReason | 'timeout') => {
      if (stopped) return;
      stopped = why;
      if (pid === undefined) return; // killed as soon as it starts
      const leader = pid;
      killGroup(leader, 'SIGTERM');
      setTimeout(() => killGroup(leader, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const onAbort = () => stop((signal.reason as StopReason) ?? 'cancelled');
    const starting = { interrupted: false };
    const forget = () => {
      startingCommands.delete(starting);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (pid !== undefined) {
        // reap whatever the command left behind in its group
        killGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
        exitedLeaders.delete(pid);
      }
    };
    const { onChunk, onOutput } = options;
    const current = () => ({
      stdout: stdout.toString(),
      stderr: stderr.toString(),
      truncated: stdout.truncated || stderr.truncated,
      streams: { stdout: stdout.window(), stderr: stderr.window() },
    });
    const buffers = { stdout, stderr };
    const settle = (outcome: ActionOutcome) => {
      void keepArtifacts(request, request.cwd ?? keptDirectory, outcome)
        .then(async (final) => {
          await removeDirectory();
          resolve(final);
        })
        .catch(reject);
    };
    const events: LaunchEvents = {
      started(leader, group) {
        pid = leader;
        startingCommands.delete(starting);
        liveGroups.add(leader);
        if (group) options.onProcessStarted?.(group);
        if (starting.interrupted) {
          interruptedGroups.add(leader);
          killGroup(leader, 'SIGKILL');
          return;
        }
        if (stopped) {
          const why = stopped;
          stopped = undefined;
          stop(why);
        }
      },
      output(stream, chunk) {
        const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        buffers[stream].append(bytes);
        onChunk?.({ stream, text: bytes.toString('utf8') });
        onOutput?.(current, bytes.length);
      },
      exited() {
        if (pid !== undefined) exitedLeaders.add(pid);
      },
      lost(error) {
        forget();
        reject(error);
      },
      closed({ code, signal: exitSignal, error, directory }) {
        keptDirectory = directory;
        forget();
        const output = current();
        const base = { exitCode: code, signal: exitSignal, output };
        if (pid === undefined && error) {
          settle({ status: 'failed', error: { message: error }, output: {} });
          return;
        }
        if (pid !== undefined && interruptedGroups.delete(pid)) {
          settle({ ...base, status: 'failed', interrupted: true, error: { message: INTERRUPTED_MESSAGE } });
          return;
        }
        if (stopped === 'timeout') {
          settle({ ...base, status: 'timed_out', error: { message: `timed out after ${timeoutSeconds} s` } });
          return;
        }
        if (stopped === 'timed_out') {
          settle({
            ...base,
            status: 'timed_out',
            error: { message: 'the run timed out; the command was killed' },
          });
          return;
        }
        if (stopped === 'cancelled') {
          settle({
            ...base,
            status: 'cancelled',
            error: { message: 'the run was cancelled; the command was killed' },
          });
          return;
        }
        if (error) {
          settle({ ...base, status: 'failed', error: { message: error } });
          return;
        }
        const protocol = stdout.truncated ? {} : readStdoutProtocol(output.stdout);
        const withData = protocol.data === undefined ? output : { ...output, data: protocol.data };
        if (code !== 0) {
          const message = protocol.error?.message
            ? protocol.error.message
            : exitSignal
              ? `the command was killed by ${exitSignal}`
              : `the command exited with code ${code}`;
          settle({ ...base, output: withData, status: 'failed', error: { ...protocol.error, message } });
          return;
        }
        if (protocol.error) {
          settle({
            ...base,
            output: withData,
            status: 'failed',
            error: protocol.error,
            configChange: protocol.configChange,
          });
          return;
        }
        settle({ ...base, output: withData, status: 'succeeded', configChange: protocol.configChange });
      },
    };
    startingCommands.add(starting);
    timer = setTimeout(() => stop('timeout'), request.timeoutMs);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    (options.launcher ?? inThreadLauncher).launch(launchSpec(request, options), events);
  });
}
