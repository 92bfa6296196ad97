import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import type { StepProcess } from '../core/runModel.ts';
import { identifyGroup } from './processGroup.ts';
import { scratchTemplate } from './scratchDirectory.ts';

/**
 * Where a command's process is started: the seam between what a command is (its argv, environment,
 * directory, identity, bounds and outcome: `functions/runners/command.ts`) and the thread that calls
 * `child_process.spawn`. `spawnProcess` here starts it in the calling thread (the cloud's
 * command-runner function); the local stack hands the same call to spawn-helper processes
 * (`functions/adapters/local/spawnPool.ts`), because a spawn blocks its event loop until the exec.
 */
export interface LaunchSpec {
  file: string;
  args: string[];
  /** The step's `cwd`; absent: a fresh directory made for this command (freshWorkingDirectory). */
  cwd?: string;
  /** Keep the fresh directory after the command (its artifacts are collected from it): `closed` names it. */
  keepDirectory?: boolean;
  /** How the fresh directory's name starts (functions/runners/scratchDirectory.ts); default `hookline-`. */
  scratchPrefix?: string;
  /** The whole environment: nothing of the launching process is inherited. */
  env: Record<string, string>;
  /** The `--run-as` user's uid and gid. */
  uid?: number;
  gid?: number;
  /** Written to the command's stdin, which is then closed. */
  stdin: string;
}

export type OutputStream = 'stdout' | 'stderr';

/** What a launched process reports, in this order: started?, output*, exited?, closed | lost. */
export interface LaunchEvents {
  /**
   * The group leader runs: its pid is the group's id; `group` names it for recovery (Linux);
   * `directory` is the fresh directory made for it, if any (removed by whoever outlives a lost launcher).
   */
  started(pid: number, group: StepProcess | undefined, directory?: string): void;
  output(stream: OutputStream, chunk: Uint8Array): void;
  /** The leader exited; its output may still be draining (a stop now must not call it interrupted). */
  exited(): void;
  /** Its output is closed: the end. `error`: it could not be run (e.g. no such file). */
  closed(result: LaunchResult): void;
  /** The launcher failed under it (its spawn helper died): what became of the command is unknown. */
  lost(error: Error): void;
}

export interface LaunchResult {
  code: number | null;
  signal: string | null;
  error?: string;
  /** The fresh directory, kept (`keepDirectory`): the caller removes it. */
  directory?: string;
}

export interface ProcessLauncher {
  launch(spec: LaunchSpec, events: LaunchEvents): void;
}

/**
 * A fresh working directory for one command, under the system's temporary directory (`/tmp` in
 * Lambda): mode 0700, owned by the user the command runs as. Synchronous: it is made by the thread
 * that spawns, a spawn helper's locally (never the stack's event loop), the command-runner function's
 * in the cloud (one command an invocation).
 */
function freshWorkingDirectory(spec: LaunchSpec): string {
  const dir = mkdtempSync(scratchTemplate('step', spec.scratchPrefix));
  if (spec.uid !== undefined) chownSync(dir, spec.uid, spec.gid ?? -1);
  return dir;
}

/**
 * Starts the process in its own process group (detached), stdio piped, with exactly `spec.env`,
 * as `spec.uid`/`spec.gid` when given, in `spec.cwd` or a fresh directory (removed when it closes,
 * unless kept), and writes `spec.stdin` to it.
 */
export function spawnProcess(spec: LaunchSpec, events: LaunchEvents): void {
  let fresh: string | undefined;
  const removeFresh = () => {
    if (fresh) rmSync(fresh, { recursive: true, force: true });
  };
  let child: ReturnType<typeof spawn>;
  try {
    if (spec.cwd === undefined) fresh = freshWorkingDirectory(spec);
    child = spawn(spec.file, spec.args, {
      cwd: spec.cwd ?? fresh,
      env: spec.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
    });
  } catch (error) {
    removeFresh();
    events.closed({
      code: null,
      signal: null,
      error: `could not start the command: ${(error as Error).message}`,
    });
    return;
  }
  const pid = child.pid;
  if (pid !== undefined) {
    // Read at once: the leader cannot be reaped before this thread's event loop turns.
    events.started(pid, identifyGroup(pid), fresh);
    child.once('exit', () => events.exited());
  }
  child.stdout?.on('data', (chunk: Buffer) => events.output('stdout', chunk));
  child.stderr?.on('data', (chunk: Buffer) => events.output('stderr', chunk));
  child.stdin?.on('error', () => {
    // the command did not read its stdin; that is its business
  });
  child.stdin?.end(spec.stdin);
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  child.on('close', (code, signal) => {
    const kept = spec.keepDirectory ? fresh : undefined;
    if (!kept) removeFresh();
    events.closed({
      code,
      signal,
      ...(spawnError ? { error: `could not run the command: ${spawnError.message}` } : {}),
      ...(kept ? { directory: kept } : {}),
    });
  });
}

/** The launcher of the calling thread. */
export const inThreadLauncher: ProcessLauncher = { launch: spawnProcess };
