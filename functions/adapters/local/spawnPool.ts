import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { LaunchEvents, LaunchSpec, ProcessLauncher } from '../../runners/processLauncher.ts';
import type { HelperReport, LaunchMessage } from './spawnHelper.ts';

/**
 * The local stack's command spawns, out of its process. `child_process.spawn` forks the calling
 * process and waits for the exec: the fork copies the page tables of the whole stack (its cost grows
 * with the stack's memory) and holds its memory map meanwhile, so neither the event loop nor a worker
 * thread of the stack can do it without stalling the stack (`npm run bench -- jobs`: 46 % of the main
 * thread was spawn). A bounded pool of small helper processes (functions/adapters/local/spawnHelper.ts)
 * does it; each command goes to the helper with the fewest in flight. What a command is and how it is
 * bounded, killed and judged stays in functions/runners/command.ts: the helpers only spawn and report,
 * and the command's process group is killed by the stack as before (same user; recovery by the recorded
 * group). A helper gets an empty environment: commands get exactly their own, and no secret of the
 * stack is in the helper. A helper that dies loses only the commands it had in flight (each one's
 * promise rejects: an engine error the run handles); the next command starts a new helper in its
 * place. `close` (the stack's stop) ends them.
 */
export interface SpawnPoolOptions {
  /** How many helper processes at most. Default: defaultSpawnHelpers(). */
  helpers?: number;
  /** Starts one helper (tests wrap it to reach the process). Default: startSpawnHelper. */
  startHelper?: () => Promise<ChildProcess>;
}

interface Slot {
  helper?: ChildProcess;
  starting?: Promise<ChildProcess>;
  inFlight: Map<number, LaunchEvents>;
  /** The fresh directories of the commands in flight, by launch id: a dead helper cannot remove them. */
  directories: Map<number, string>;
}

export const MAX_SPAWN_HELPERS = 32;

/** One helper a core, 2 at least (a fork blocks its helper until the exec), 4 at most. */
export function defaultSpawnHelpers(): number {
  return Math.min(4, Math.max(2, availableParallelism()));
}

export class SpawnPool implements ProcessLauncher {
  private readonly slots: Slot[];
  private readonly startHelper: () => Promise<ChildProcess>;
  private nextId = 1;
  private closed = false;

  constructor(options: SpawnPoolOptions = {}) {
    const helpers = options.helpers ?? defaultSpawnHelpers();
    if (!Number.isInteger(helpers) || helpers < 1 || helpers > MAX_SPAWN_HELPERS)
      throw new Error(`spawn helpers must be a whole number from 1 to ${MAX_SPAWN_HELPERS}, not ${helpers}`);
    this.slots = Array.from({ length: helpers }, () => ({ inFlight: new Map(), directories: new Map() }));
    this.startHelper = options.startHelper ?? startSpawnHelper;
  }

  launch(spec: LaunchSpec, events: LaunchEvents): void {
    if (this.closed) {
      events.lost(new Error('the local stack is stopping: no command starts'));
      return;
    }
    const slot = this.slots.reduce((best, s) => (s.inFlight.size < best.inFlight.size ? s : best));
    const id = this.nextId++;
    slot.inFlight.set(id, events);
    const send = (helper: ChildProcess) => {
      // Lost meanwhile (the helper died or the pool closed): it must not start untracked.
      if (slot.helper !== helper || !slot.inFlight.has(id)) return;
      holdOpen(helper, true);
      helper.send({ id, spec } satisfies LaunchMessage);
    };
    if (slot.helper) {
      send(slot.helper);
      return;
    }
    slot.starting ??= this.start(slot);
    slot.starting.then(send, () => undefined);
  }

  /** Commands in flight on each helper (tests, diagnostics). */
  inFlightCounts(): number[] {
    return this.slots.map((slot) => slot.inFlight.size);
  }

  /** Ends every helper; a command still in flight is lost (its promise rejects). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const helper = slot.helper ?? (await slot.starting?.catch(() => undefined));
        slot.helper = undefined;
        this.loseAll(slot, new Error('the local stack stopped while this command was being run'));
        if (helper) await endHelper(helper);
      }),
    );
  }

  private async start(slot: Slot): Promise<ChildProcess> {
    let helper: ChildProcess;
    try {
      helper = await this.startHelper();
    } catch (error) {
      slot.starting = undefined;
      this.loseAll(
        slot,
        new Error(`no helper could be started to spawn commands: ${(error as Error).message}`),
      );
      throw error;
    }
    slot.starting = undefined;
    if (this.closed) {
      await endHelper(helper);
      throw new Error('the pool is closed');
    }
    slot.helper = helper;
    holdOpen(helper, slot.inFlight.size > 0);
    let failure: Error | undefined;
    helper.on('message', (reports: HelperReport[]) => this.receive(slot, reports));
    helper.on('error', (error) => {
      failure = error;
    });
    helper.on('exit', (code, signal) => {
      if (slot.helper !== helper) return; // closed, or already replaced
      slot.helper = undefined;
      const why = failure?.message ?? (signal ? `killed by ${signal}` : `it exited with code ${code}`);
      this.loseAll(slot, new Error(`the helper process that spawned this command died: ${why}`));
    });
    return helper;
  }

  private receive(slot: Slot, reports: HelperReport[]): void {
    for (const report of reports) {
      const events = slot.inFlight.get(report.id);
      if (!events) continue;
      if ('started' in report) {
        if (report.started.directory) slot.directories.set(report.id, report.started.directory);
        events.started(report.started.pid, report.started.group, report.started.directory);
      } else if ('output' in report) events.output(report.output.stream, report.output.chunk);
      else if ('exited' in report) events.exited();
      else {
        slot.inFlight.delete(report.id);
        slot.directories.delete(report.id);
        events.closed(report.closed);
      }
    }
    if (slot.inFlight.size === 0 && slot.helper) holdOpen(slot.helper, false);
  }

  private loseAll(slot: Slot, error: Error): void {
    const lost = [...slot.inFlight.values()];
    const directories = [...slot.directories.values()];
    slot.inFlight.clear();
    slot.directories.clear();
    // Each command's group is killed by its runner when told (functions/runners/command.ts).
    for (const events of lost) events.lost(error);
    // Then their directories go; retried while the dying processes may still write into them.
    for (const directory of directories)
      rm(directory, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined);
  }
}

/** A helper keeps the stack's event loop alive only while it runs commands. */
function holdOpen(helper: ChildProcess, busy: boolean): void {
  const channel = helper.channel as { ref(): void; unref(): void } | null | undefined;
  if (busy) {
    helper.ref();
    channel?.ref();
  } else {
    helper.unref();
    channel?.unref();
  }
}

function endHelper(helper: ChildProcess): Promise<void> {
  if (helper.exitCode !== null || helper.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    holdOpen(helper, true); // until its exit is heard
    helper.once('exit', () => resolve());
    helper.kill('SIGKILL');
  });
}

let helperSource: Promise<string> | undefined;

/**
 * A helper process: Node running spawnHelper.ts, bundled once per stack process with esbuild (a few
 * KB, no loader needed), with an empty environment and an IPC channel whose serialization carries
 * output bytes as they are.
 */
export async function startSpawnHelper(): Promise<ChildProcess> {
  const here = dirname(fileURLToPath(import.meta.url));
  helperSource ??= build({
    stdin: {
      contents: "import { runSpawnHelper } from './spawnHelper.ts';\nrunSpawnHelper();\n",
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).then((built) => built.outputFiles[0]!.text);
  helperSource.catch(() => {
    helperSource = undefined; // the next helper tries again
  });
  const source = await helperSource;
  return new Promise((resolve, reject) => {
    const helper = spawn(process.execPath, ['-e', source], {
      env: {},
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    helper.once('spawn', () => resolve(helper));
    helper.once('error', reject);
  });
}
