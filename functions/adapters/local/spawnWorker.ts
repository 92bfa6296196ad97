import { parentPort } from 'node:worker_threads';
import type { StepProcess } from '../../core/runModel.ts';
import { type LaunchSpec, type OutputStream, spawnProcess } from '../../runners/processLauncher.ts';

/**
 * A spawn thread of the local stack's pool (functions/adapters/local/spawnPool.ts): it starts each
 * command it is sent with `spawnProcess` (functions/runners/processLauncher.ts), so the fork and exec
 * block this thread and not the stack's event loop, and reports back what the process does. Reports
 * of one turn of this thread's loop go in one message; output bytes are transferred, not copied again.
 */
export interface LaunchMessage {
  id: number;
  spec: LaunchSpec;
}

export type WorkerReport =
  | { id: number; started: { pid: number; group: StepProcess | undefined } }
  | { id: number; output: { stream: OutputStream; chunk: Uint8Array } }
  | { id: number; exited: true }
  | { id: number; closed: { code: number | null; signal: string | null; error?: string } };

const port = parentPort;
if (port) {
  let pending: WorkerReport[] = [];
  let transfer: ArrayBuffer[] = [];
  const flush = () => {
    const reports = pending;
    const buffers = transfer;
    pending = [];
    transfer = [];
    port.postMessage(reports, buffers);
  };
  const report = (message: WorkerReport, buffer?: ArrayBuffer) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(message);
    if (buffer) transfer.push(buffer);
  };
  port.on('message', ({ id, spec }: LaunchMessage) => {
    spawnProcess(spec, {
      started: (pid, group) => report({ id, started: { pid, group } }),
      output: (stream, chunk) => {
        // A copy of its own: a pipe's chunk may share its memory with others, so it is not transferable.
        const own = new Uint8Array(chunk);
        report({ id, output: { stream, chunk: own } }, own.buffer);
      },
      exited: () => report({ id, exited: true }),
      closed: (result) => report({ id, closed: result }),
      lost: () => undefined, // spawnProcess never loses a process: it is the thread that runs it
    });
  });
}
