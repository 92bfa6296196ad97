import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LaunchEvents, LaunchSpec, ProcessLauncher } from '../../runners/processLauncher.ts';
import type { LaunchMessage, WorkerReport } from './spawnWorker.ts';

/**
 * The local stack's command spawns, off its event loop: `child_process.spawn` blocks the calling
 * thread until the child has exec'd (the largest single cost of a step in the profile of
 * `npm run bench -- jobs`), so a bounded pool of worker threads (functions/adapters/local/spawnWorker.ts)
 * does it, each command going to the thread with the fewest in flight. What a command is and how it is
 * bounded, killed and judged stays in functions/runners/command.ts; the process group is the stack's
 * own (threads share the process), so kills, timeouts and recovery work as before. A thread that dies
 * loses only the commands it had in flight (each one's promise rejects, an engine error the run
 * handles); the next command starts a new thread in its place. `close` (the stack's stop) ends them.
 */
export interface SpawnPoolOptions {
  /** How many threads at most. Default: the core count, between 2 and 4. */
  threads?: number;
  /** Starts one thread (tests give one they can crash). Default: spawnWorker.ts. */
  startWorker?: () => Worker;
}

interface InFlight {
  events: LaunchEvents;
}

interface Slot {
  worker?: Worker;
  inFlight: Map<number, InFlight>;
}

export const MAX_SPAWN_THREADS = 64;

export function defaultSpawnThreads(): number {
  return Math.min(4, Math.max(2, availableParallelism()));
}

export class SpawnPool implements ProcessLauncher {
  private readonly slots: Slot[];
  private readonly startWorker: () => Worker;
  private nextId = 1;
  private closed = false;

  constructor(options: SpawnPoolOptions = {}) {
    const threads = options.threads ?? defaultSpawnThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_SPAWN_THREADS)
      throw new Error(`spawn threads must be a whole number from 1 to ${MAX_SPAWN_THREADS}, not ${threads}`);
    this.slots = Array.from({ length: threads }, () => ({ inFlight: new Map() }));
    this.startWorker = options.startWorker ?? startSpawnWorker;
  }

  launch(spec: LaunchSpec, events: LaunchEvents): void {
    if (this.closed) {
      events.lost(new Error('the local stack is stopping: no command starts'));
      return;
    }
    const slot = this.slots.reduce((best, s) => (s.inFlight.size < best.inFlight.size ? s : best));
    const worker = slot.worker ?? this.start(slot);
    const id = this.nextId++;
    slot.inFlight.set(id, { events });
    worker.ref();
    worker.postMessage({ id, spec } satisfies LaunchMessage);
  }

  /** Commands in flight on each thread (tests, diagnostics). */
  inFlightCounts(): number[] {
    return this.slots.map((slot) => slot.inFlight.size);
  }

  /** Ends every thread; a command still in flight is lost (its promise rejects). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const { worker } = slot;
        slot.worker = undefined;
        this.loseAll(slot, new Error('the local stack stopped while this command was being run'));
        await worker?.terminate();
      }),
    );
  }

  private start(slot: Slot): Worker {
    const worker = this.startWorker();
    slot.worker = worker;
    worker.unref();
    let failure: Error | undefined;
    worker.on('message', (reports: WorkerReport[]) => this.receive(slot, reports));
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return; // closed, or already replaced
      slot.worker = undefined;
      const why = failure?.message ?? `it exited with code ${code}`;
      this.loseAll(slot, new Error(`the thread that spawned this command died: ${why}`));
    });
    return worker;
  }

  private receive(slot: Slot, reports: WorkerReport[]): void {
    for (const report of reports) {
      const entry = slot.inFlight.get(report.id);
      if (!entry) continue;
      if ('started' in report) entry.events.started(report.started.pid, report.started.group);
      else if ('output' in report) entry.events.output(report.output.stream, report.output.chunk);
      else if ('exited' in report) entry.events.exited();
      else {
        slot.inFlight.delete(report.id);
        entry.events.closed(report.closed);
      }
    }
    if (slot.inFlight.size === 0) slot.worker?.unref();
  }

  private loseAll(slot: Slot, error: Error): void {
    const lost = [...slot.inFlight.values()];
    slot.inFlight.clear();
    for (const entry of lost) entry.events.lost(error);
  }
}

/**
 * A thread running spawnWorker.ts. Worker threads do not inherit tsx's loader on Node 20, so the
 * thread loads tsx's API (its ESM build) and imports the TypeScript module through it.
 */
function startSpawnWorker(): Worker {
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = new URL('./spawnWorker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  return new Worker(boot, { eval: true });
}
