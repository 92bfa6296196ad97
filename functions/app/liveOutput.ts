import type { StepOutput } from '../core/runModel.ts';
import type { Services } from './services.ts';

/**
 * Persists a running step's output as it grows, so `GET /runs/{runId}/steps/{n}/output` and the run's
 * events show it before the step ends. The bounded output so far (head and tail, at most twice
 * `outputLimitBytes`) replaces the step's output item: one write at a time, the next one carrying
 * everything that arrived meanwhile, so a chatty command costs at most one write in flight. Writes
 * follow `settings.liveOutput`: at once (interval 0, the local stack), or at the latest every
 * `intervalMs` and as soon as `flushBytes` are waiting (the cloud: 2 s or 16 KiB). The interval is
 * measured on `services.clock`; a wall clock set back never holds a write longer than one interval.
 */
export interface LiveOutputWriter {
  /** The command runner's output callback (functions/ports/stepActions.ts `onOutput`). */
  onOutput(current: () => StepOutput, chunkBytes: number): void;
  /** Stops writing and waits for the write in flight; the step's final output is written after this. */
  close(): Promise<void>;
}

export function liveOutputWriter(
  services: Services,
  runId: string,
  index: number,
  expiresAt: number,
): LiveOutputWriter {
  const { intervalMs, flushBytes } = services.settings.liveOutput;
  let latest: (() => StepOutput) | undefined;
  let waitingBytes = 0;
  let lastWrite = 0;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const write = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || inFlight || !latest) return;
    const output = latest();
    latest = undefined;
    waitingBytes = 0;
    lastWrite = services.clock.now().getTime();
    inFlight = services.store
      .putStepOutput(runId, index, output, expiresAt)
      .catch((error: Error) => {
        services.logger.warn('could not store the output of a running step', {
          runId,
          index,
          error: error.message,
        });
      })
      .finally(() => {
        inFlight = undefined;
        if (latest) schedule();
      });
  };

  const schedule = () => {
    if (closed || inFlight) return;
    const due = Math.min(intervalMs, lastWrite + intervalMs - services.clock.now().getTime());
    if (intervalMs === 0 || waitingBytes >= flushBytes || due <= 0) write();
    else timer ??= setTimeout(write, due);
  };

  return {
    onOutput(current, chunkBytes) {
      latest = current;
      waitingBytes += chunkBytes;
      schedule();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
