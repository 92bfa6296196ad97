import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { SpawnPool } from '../functions/adapters/local/spawnPool.ts';
import { benchStack, apiClient, median } from './localClient.ts';

/**
 * Job flow figures through the local stack (real processes, the real state machine engine, dynalite
 * in memory): per-step overhead over spawning `true` directly, runs/s of a 3-step no-op job, and the
 * state transitions of the reference job (2 pre-hooks, 1 task, 2 post-hooks).
 */
export interface JobFlowFigures {
  stepsPerJob: number;
  spawnTrueMedianMs: number;
  /**
   * Baseline for runs/s: `true` spawned 8 at a time for a while, per second, divided by 3 (3 steps a
   * run) — the better of spawning from this thread and spawning through the stack's pool of spawn helper
   * processes (functions/adapters/local/spawnPool.ts), so the limit is the better of the two ways
   * this machine spawns.
   */
  parallelSpawnsPerSecond: number;
  parallelSpawnsPerSecondInThread: number;
  parallelSpawnsPerSecondOnHelpers: number;
  spawnLimitRunsPerSecond: number;
  perStepMedianMs: number;
  perStepOverheadMs: number;
  runsPerSecond3Step: number;
  runsMeasured: number;
  /** runsPerSecond3Step ÷ spawnLimitRunsPerSecond (target ≥ 0.7). */
  runsVsSpawnLimit: number;
  referenceTransitions: number;
}

/** `true` spawned `parallel` at a time until `total` have exited: spawns per second. */
async function parallelSpawnsPerSecond(total: number, parallel: number, spawnOne: () => Promise<unknown>) {
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (started < total) {
        started++;
        await spawnOne();
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

/** `true` spawned by a spawn helper, as the stack's commands are (without the rest of a command). */
function spawnTrueOn(pool: SpawnPool): Promise<void> {
  const spec = { file: 'true', args: [], cwd: tmpdir(), env: {}, stdin: '' };
  return new Promise((resolve, reject) =>
    pool.launch(spec, {
      started: () => undefined,
      output: () => undefined,
      exited: () => undefined,
      closed: () => resolve(),
      lost: reject,
    }),
  );
}

function spawnTrue(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

const step = (name: string) => ({ name, command: ['true'] });
const metadata = { name: 'bench', description: 'benchmark hook', owner: 'bench@example.com' };

export async function benchJobFlow(
  options: { steps?: number; jobs?: number; runs?: number; spawns?: number } = {},
): Promise<JobFlowFigures> {
  const stepsPerJob = options.steps ?? 20;
  const stack = await benchStack();
  const api = apiClient(stack);
  try {
    const spawnTimes: number[] = [];
    for (let i = 0; i < (options.spawns ?? 40); i++) spawnTimes.push(await spawnTrue());
    const total = (options.spawns ?? 40) * 10;
    const inThread = await parallelSpawnsPerSecond(total, 8, spawnTrue);
    const pool = new SpawnPool();
    let onHelpers: number;
    try {
      await parallelSpawnsPerSecond(16, 8, () => spawnTrueOn(pool)); // the helpers started
      onHelpers = await parallelSpawnsPerSecond(total, 8, () => spawnTrueOn(pool));
    } finally {
      await pool.close();
    }
    const spawnsPerSecond = Math.max(inThread, onHelpers);

    await api('PUT', '/hooks/bench/n-steps', {
      metadata,
      task: { tasks: Array.from({ length: stepsPerJob }, (_, i) => step(`t${i}`)) },
    });
    const perStep: number[] = [];
    for (let i = 0; i < (options.jobs ?? 5); i++) {
      const fired = await api<{ runId: string }>('POST', '/hooks/bench/n-steps/trigger', {});
      await stack.waitForRun(fired.body.runId);
      const run = await api<{ steps: Array<{ durationMs: number; startedAt: string; finishedAt: string }> }>(
        'GET',
        `/runs/${fired.body.runId}`,
      );
      const first = Date.parse(run.body.steps[0]!.startedAt);
      const last = Date.parse(run.body.steps.at(-1)!.finishedAt);
      perStep.push((last - first) / stepsPerJob);
    }

    await api('PUT', '/hooks/bench/three', {
      metadata,
      task: { preHooks: [step('pre')], task: step('task'), postHooks: [step('post')] },
    });
    const runs = options.runs ?? 300;
    /** Fires `count` runs from 4 callers at once and waits until every one has finished: seconds taken. */
    const fireAndFinish = async (count: number): Promise<number> => {
      const started = performance.now();
      const runIds: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < count) {
            next++;
            const fired = await api<{ runId: string }>('POST', '/hooks/bench/three/trigger', {});
            runIds.push(fired.body.runId);
          }
        }),
      );
      await Promise.all(runIds.map((id) => stack.waitForRun(id)));
      return (performance.now() - started) / 1000;
    };
    // A first batch warms the code paths up (JIT, the store's statements); the second is measured.
    await fireAndFinish(Math.min(50, runs));
    const seconds = await fireAndFinish(runs);

    await api('PUT', '/hooks/bench/reference', {
      metadata,
      task: { preHooks: [step('p1'), step('p2')], task: step('t'), postHooks: [step('q1'), step('q2')] },
    });
    const reference = await api<{ runId: string }>('POST', '/hooks/bench/reference/trigger', {});
    await stack.waitForRun(reference.body.runId);

    const spawnMedian = median(spawnTimes);
    const perStepMedian = median(perStep);
    return {
      stepsPerJob,
      spawnTrueMedianMs: round(spawnMedian),
      perStepMedianMs: round(perStepMedian),
      perStepOverheadMs: round(perStepMedian - spawnMedian),
      runsPerSecond3Step: round(runs / seconds),
      runsMeasured: runs,
      parallelSpawnsPerSecond: round(spawnsPerSecond),
      parallelSpawnsPerSecondInThread: round(inThread),
      parallelSpawnsPerSecondOnHelpers: round(onHelpers),
      spawnLimitRunsPerSecond: round(spawnsPerSecond / 3),
      runsVsSpawnLimit: round(runs / seconds / (spawnsPerSecond / 3)),
      referenceTransitions: stack.executions.transitionsOf(reference.body.runId) ?? -1,
    };
  } finally {
    await stack.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
