import { type ChildProcess, spawn } from 'node:child_process';
import { BoundedText } from '../core/outputBounds.ts';
import type { Action, ActionInput, ActionOutcome, StopReason } from './action.ts';
import { readStdoutProtocol } from './action.ts';

/**
 * The `command` action: a child process in its own process group, under `shell` (default /bin/sh)
 * when the command is a string, or exec'd directly when it is an argv array. Payload values reach
 * it only through env and stdin. A timeout or stop kills the whole group.
 */
const DEFAULT_SHELL = '/bin/sh';
const KILL_GRACE_MS = 2000;

/** Process groups still running, so the local stack can kill them all when it stops. */
const liveGroups = new Set<number>();

/** Process groups killed because the whole service is stopping (their steps were interrupted). */
const interruptedGroups = new Set<number>();
export const INTERRUPTED_MESSAGE = 'interrupted: the local stack stopped while this step ran';

export function killAllCommands(): void {
  for (const pid of liveGroups) {
    interruptedGroups.add(pid);
    killGroup(pid, 'SIGKILL');
  }
  liveGroups.clear();
}

export function liveCommandCount(): number {
  return liveGroups.size;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function spawnCommand(input: ActionInput): ChildProcess {
  const { step } = input.planned;
  const command = step.command!;
  const [file, args] =
    typeof command === 'string'
      ? [step.shell ?? DEFAULT_SHELL, ['-c', command]]
      : [command[0]!, command.slice(1)];
  return spawn(file, args, {
    cwd: step.cwd,
    env: input.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export const runCommand: Action = (input) =>
  new Promise<ActionOutcome>((resolve) => {
    const stdout = new BoundedText(input.outputLimitBytes);
    const stderr = new BoundedText(input.outputLimitBytes);
    const timeoutSeconds = input.timeoutMs / 1000;
    let stopped: StopReason | 'timeout' | undefined;
    let child: ChildProcess;
    try {
      child = spawnCommand(input);
    } catch (error) {
      resolve({
        status: 'failed',
        error: { message: `could not start the command: ${(error as Error).message}` },
        output: {},
      });
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);

    const stop = (why: StopReason | 'timeout') => {
      if (stopped || pid === undefined) return;
      stopped = why;
      killGroup(pid, 'SIGTERM');
      setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => stop('timeout'), input.timeoutMs);
    const onAbort = () => stop((input.signal.reason as StopReason) ?? 'cancelled');
    if (input.signal.aborted) onAbort();
    else input.signal.addEventListener('abort', onAbort, { once: true });

    const current = () => ({
      stdout: stdout.toString(),
      stderr: stderr.toString(),
      truncated: stdout.truncated || stderr.truncated,
      streams: { stdout: stdout.window(), stderr: stderr.window() },
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.append(chunk);
      input.onOutput?.(current, chunk.length);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.append(chunk);
      input.onOutput?.(current, chunk.length);
    });
    child.stdin?.on('error', () => {
      // the command did not read its stdin; that is its business
    });
    child.stdin?.end(JSON.stringify(input.document));

    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      input.signal.removeEventListener('abort', onAbort);
      if (pid !== undefined) {
        // reap whatever the command left behind in its group
        killGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
      }
      const output = current();
      const base = { exitCode: code, signal, output };
      if (pid !== undefined && interruptedGroups.delete(pid)) {
        resolve({ ...base, status: 'failed', interrupted: true, error: { message: INTERRUPTED_MESSAGE } });
        return;
      }
      if (stopped === 'timeout') {
        resolve({ ...base, status: 'timed_out', error: { message: `timed out after ${timeoutSeconds} s` } });
        return;
      }
      if (stopped === 'timed_out') {
        resolve({
          ...base,
          status: 'timed_out',
          error: { message: 'the run timed out; the command was killed' },
        });
        return;
      }
      if (stopped === 'cancelled') {
        resolve({
          ...base,
          status: 'cancelled',
          error: { message: 'the run was cancelled; the command was killed' },
        });
        return;
      }
      if (spawnError) {
        resolve({
          ...base,
          status: 'failed',
          error: { message: `could not run the command: ${spawnError.message}` },
        });
        return;
      }
      const protocol = stdout.truncated ? {} : readStdoutProtocol(output.stdout);
      const withData = protocol.data === undefined ? output : { ...output, data: protocol.data };
      if (code !== 0) {
        const message = protocol.error?.message
          ? protocol.error.message
          : signal
            ? `the command was killed by ${signal}`
            : `the command exited with code ${code}`;
        resolve({ ...base, output: withData, status: 'failed', error: { ...protocol.error, message } });
        return;
      }
      if (protocol.error) {
        resolve({
          ...base,
          output: withData,
          status: 'failed',
          error: protocol.error,
          configChange: protocol.configChange,
        });
        return;
      }
      resolve({ ...base, output: withData, status: 'succeeded', configChange: protocol.configChange });
    });
  });
