import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveredEvent } from '../../ports/bus.ts';
import { LIFECYCLE_SOURCE } from '../../app/lifecycleEvents.ts';
import { BoundedText } from '../../core/outputBounds.ts';
import type { Logger } from '../../ports/logger.ts';

/**
 * Igor-style handler directories: every executable file in the directory is called for each
 * lifecycle event with two arguments — the event name in Igor's words and the run id — and the
 * event JSON on stdin. Each call has a timeout; its exit code and output are logged; a failing or
 * hanging handler never blocks runs. A file that is not executable is reported once.
 */
export const IGOR_EVENT_NAMES = ['pre-job', 'post-start', 'post-testcase', 'post-job', 'post-end'] as const;
export type IgorEventName = (typeof IGOR_EVENT_NAMES)[number];

/** Lifecycle event → Igor's names; `post-end` follows `post-job` once its handlers are done. */
export function igorNamesFor(event: DeliveredEvent): IgorEventName[] {
  if (event.source !== LIFECYCLE_SOURCE) return [];
  switch (event['detail-type']) {
    case 'Run Started':
      return ['pre-job'];
    case 'Step Started':
      return event.detail.index === 0 ? ['post-start'] : [];
    case 'Step Finished':
      return ['post-testcase'];
    case 'Run Finished':
      return ['post-job', 'post-end'];
    default:
      return [];
  }
}

export interface HandlerDirectoryOptions {
  directory: string;
  logger: Logger;
  timeoutMs?: number;
  outputLimitBytes?: number;
}

export interface HandlerCall {
  handler: string;
  event: IgorEventName;
  runId: string;
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export class HandlerDirectory {
  private readonly reportedNotExecutable = new Set<string>();
  /** Per-run chains, so one run's events reach handlers in order; runs do not wait for each other. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly timeoutMs: number;
  private readonly outputLimitBytes: number;
  readonly calls: HandlerCall[] = [];
  private readonly live = new Set<number>();

  constructor(private readonly options: HandlerDirectoryOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.outputLimitBytes = options.outputLimitBytes ?? 16 * 1024;
    this.scan();
  }

  /** Executable files in the directory, reporting non-executable ones once. */
  scan(): string[] {
    let entries: string[];
    try {
      entries = readdirSync(this.options.directory).sort();
    } catch (error) {
      this.options.logger.error('handler directory unreadable', {
        directory: this.options.directory,
        error: (error as Error).message,
      });
      return [];
    }
    const executables: string[] = [];
    for (const entry of entries) {
      const path = join(this.options.directory, entry);
      try {
        if (!statSync(path).isFile()) continue;
        accessSync(path, constants.X_OK);
        executables.push(path);
      } catch {
        if (!this.reportedNotExecutable.has(path)) {
          this.reportedNotExecutable.add(path);
          this.options.logger.warn('handler is not executable; it will not be called (chmod +x it)', {
            handler: path,
          });
        }
      }
    }
    return executables;
  }

  /** The bus subscriber: queues the event's Igor calls behind the run's earlier ones. */
  readonly onEvent = (event: DeliveredEvent): Promise<void> => {
    const names = igorNamesFor(event);
    const runId = typeof event.detail.runId === 'string' ? event.detail.runId : undefined;
    if (names.length === 0 || !runId) return Promise.resolve();
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (const name of names) await this.callAll(name, runId, event);
    });
    this.chains.set(runId, next);
    void next.finally(() => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    });
    return Promise.resolve();
  };

  private async callAll(name: IgorEventName, runId: string, event: DeliveredEvent): Promise<void> {
    for (const handler of this.scan()) await this.call(handler, name, runId, event);
  }

  private call(handler: string, name: IgorEventName, runId: string, event: DeliveredEvent): Promise<void> {
    return new Promise((resolve) => {
      const stdout = new BoundedText(this.outputLimitBytes);
      const stderr = new BoundedText(this.outputLimitBytes);
      let timedOut = false;
      const child = spawn(handler, [name, runId], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const pid = child.pid;
      if (pid !== undefined) this.live.add(pid);
      const timer = setTimeout(() => {
        timedOut = true;
        if (pid !== undefined) killGroup(pid);
      }, this.timeoutMs);
      child.stdout?.on('data', (d: Buffer) => stdout.append(d));
      child.stderr?.on('data', (d: Buffer) => stderr.append(d));
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(JSON.stringify({ event: name, runId, lifecycleEvent: event }));
      child.on('error', (error) => {
        clearTimeout(timer);
        this.options.logger.error('handler could not run', {
          handler,
          event: name,
          runId,
          error: error.message,
        });
        resolve();
      });
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        if (pid !== undefined) {
          killGroup(pid);
          this.live.delete(pid);
        }
        const record: HandlerCall = {
          handler,
          event: name,
          runId,
          exitCode,
          timedOut,
          stdout: stdout.toString(),
          stderr: stderr.toString(),
        };
        this.calls.push(record);
        if (this.calls.length > 1000) this.calls.shift();
        const fields = {
          handler,
          event: name,
          runId,
          exitCode,
          timedOut,
          stdout: record.stdout,
          stderr: record.stderr,
        };
        if (exitCode === 0 && !timedOut) this.options.logger.info('handler called', fields);
        else
          this.options.logger.warn(
            timedOut ? `handler timed out after ${this.timeoutMs / 1000} s` : 'handler failed',
            fields,
          );
        resolve();
      });
    });
  }

  /** Waits for queued calls (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  /** Kills running handlers. */
  stop(): void {
    for (const pid of this.live) killGroup(pid);
    this.live.clear();
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}
