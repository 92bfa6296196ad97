import type { StepProcess } from '../../core/runModel.ts';
import {
  type LaunchResult,
  type LaunchSpec,
  type OutputStream,
  spawnProcess,
} from '../../runners/processLauncher.ts';

/**
 * The program of a spawn helper, a small process of the local stack's pool
 * (functions/adapters/local/spawnPool.ts): it starts each command it is sent with `spawnProcess`
 * (functions/runners/processLauncher.ts) and reports back what the process does. A fork copies the
 * forking process's page tables and holds its memory map meanwhile, so it is done here, in a process
 * of a few tens of MB, and not in the stack. Reports of one turn of this process's loop go in one
 * message, but a start is told at once. It exits when the stack closes the channel (or dies), not on
 * the signals a terminal sends the group; commands already running go on in their own process
 * groups, which the stack (or recovery, from the recorded group) kills.
 */
export interface LaunchMessage {
  id: number;
  spec: LaunchSpec;
}

export type HelperReport =
  | { id: number; started: { pid: number; group: StepProcess | undefined; directory?: string } }
  | { id: number; output: { stream: OutputStream; chunk: Uint8Array } }
  | { id: number; exited: true }
  | { id: number; closed: LaunchResult };

/** How a helper talks to the stack (its IPC channel; an in-process pair in tests). */
export interface HelperChannel {
  send(reports: HelperReport[]): void;
  onLaunch(listener: (message: LaunchMessage) => void): void;
}

/** Starts each command sent on `channel` and reports what it does, one message a turn of the loop. */
export function serveLaunches(channel: HelperChannel): void {
  let pending: HelperReport[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const reports = pending;
    pending = [];
    channel.send(reports);
  };
  const report = (message: HelperReport) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(message);
  };
  channel.onLaunch(({ id, spec }) => {
    spawnProcess(spec, {
      // At once: should this helper die now, the stack still knows the group to kill.
      started: (pid, group, directory) => {
        report({ id, started: { pid, group, ...(directory ? { directory } : {}) } });
        flush();
      },
      output: (stream, chunk) => report({ id, output: { stream, chunk } }),
      exited: () => report({ id, exited: true }),
      closed: (result) => report({ id, closed: result }),
      lost: () => undefined, // spawnProcess never loses a process: this is the process that runs it
    });
  });
}

/** The helper process's main: serves its IPC channel, and exits when the stack closes it or dies. */
export function runSpawnHelper(): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a spawn helper runs as a child of the local stack, with an IPC channel');
  serveLaunches({
    send: (reports) => send(reports),
    onLaunch: (listener) => process.on('message', listener),
  });
  process.on('disconnect', () => process.exit(0));
}
