import type { LocalStack } from '../infra/local/localStack.ts';
import { benchStack, apiClient, median, percentile } from './localClient.ts';

/**
 * Trigger figures of the local stack (issue 4): latency of triggerHook (request → 200 with a runId)
 * over sequential triggers, then triggers per second sustained by 16 concurrent clients for a no-op
 * job (`["true"]`), and how many of the runs accepted ended finished (must be all of them).
 */
export interface TriggerFigures {
  p50Ms: number;
  p99Ms: number;
  latencySamples: number;
  triggersPerSecond: number;
  concurrentClients: number;
  sustainSeconds: number;
  accepted: number;
  refused: number;
  finished: number;
  succeeded: number;
  drainSeconds: number;
  /**
   * A wrong trigger token for an existing hook and for an unknown hook: both 401 after the same work
   * (constant-time comparison, no early answer that would tell a hook exists). Medians, interleaved.
   */
  wrongTokenExistingHookMs: number;
  wrongTokenUnknownHookMs: number;
}

export interface TriggerBenchOptions {
  latencySamples?: number;
  clients?: number;
  sustainMs?: number;
  /** Give up waiting for the accepted runs to finish after this long. */
  drainTimeoutMs?: number;
}

const metadata = {
  name: 'bench',
  description: 'no-op hook for the trigger benchmark',
  owner: 'bench@example.com',
};

export async function benchTriggers(options: TriggerBenchOptions = {}): Promise<TriggerFigures> {
  const latencySamples = options.latencySamples ?? 300;
  const clients = options.clients ?? 16;
  const sustainMs = options.sustainMs ?? 10_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 600_000;
  const stack = await benchStack();
  const api = apiClient(stack);
  try {
    const created = await api('PUT', '/hooks/bench/noop', {
      metadata,
      task: { task: { name: 'noop', command: ['true'] } },
    });
    if (created.status !== 200)
      throw new Error(`createHook answered ${created.status}: ${JSON.stringify(created.body)}`);
    const trigger = async (): Promise<string | undefined> => {
      const res = await api<{ runId?: string }>('POST', '/hooks/bench/noop/trigger', {});
      return res.status === 200 && res.body.runId ? res.body.runId : undefined;
    };

    // warm up (JIT, connection pool, first state machine runs), then settle
    const warm: string[] = [];
    for (let i = 0; i < 20; i++) warm.push((await trigger())!);
    await waitFinished(stack, warm, drainTimeoutMs);

    // latency: one trigger at a time
    const latencies: number[] = [];
    const sequential: string[] = [];
    for (let i = 0; i < latencySamples; i++) {
      const started = performance.now();
      const runId = await trigger();
      latencies.push(performance.now() - started);
      if (!runId) throw new Error('a sequential trigger was refused');
      sequential.push(runId);
    }
    await waitFinished(stack, sequential, drainTimeoutMs);

    // throughput: `clients` callers triggering back to back for `sustainMs`
    const accepted: string[] = [];
    let refused = 0;
    const started = performance.now();
    const deadline = started + sustainMs;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const runId = await trigger().catch(() => undefined);
          if (runId) accepted.push(runId);
          else refused++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;

    const drainStarted = performance.now();
    const { finished, succeeded } = await waitFinished(stack, accepted, drainTimeoutMs);
    const drainSeconds = round((performance.now() - drainStarted) / 1000);

    // trigger tokens: an existing hook with a wrong token against an unknown hook, interleaved
    const wrong = 'A'.repeat(43);
    const refusedIn = async (hookId: string) => {
      const t = performance.now();
      const res = await api('POST', `/hooks/bench/${hookId}/trigger/${wrong}`, {});
      if (res.status !== 401) throw new Error(`a wrong trigger token answered ${res.status}`);
      return performance.now() - t;
    };
    const existing: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < Math.max(20, Math.floor(latencySamples / 2)); i++) {
      existing.push(await refusedIn('noop'));
      unknown.push(await refusedIn('absent'));
    }
    return {
      p50Ms: round(median(latencies)),
      p99Ms: round(percentile(latencies, 99)),
      latencySamples,
      triggersPerSecond: round(accepted.length / elapsed),
      concurrentClients: clients,
      sustainSeconds: round(elapsed),
      accepted: accepted.length,
      refused,
      finished,
      succeeded,
      drainSeconds,
      wrongTokenExistingHookMs: round(median(existing)),
      wrongTokenUnknownHookMs: round(median(unknown)),
    };
  } finally {
    await stack.stop();
  }
}

/** Waits until every run is finished (or the time is up); counts finished and succeeded runs. */
async function waitFinished(
  stack: LocalStack,
  runIds: string[],
  timeoutMs: number,
): Promise<{ finished: number; succeeded: number }> {
  const deadline = Date.now() + timeoutMs;
  await Promise.all(runIds.map((runId) => stack.waitForRun(runId)));
  let pending = [...runIds];
  let finished = 0;
  let succeeded = 0;
  while (pending.length > 0 && Date.now() < deadline) {
    const still: string[] = [];
    for (let i = 0; i < pending.length; i += 50) {
      const batch = pending.slice(i, i + 50);
      const runs = await Promise.all(batch.map((runId) => stack.services.store.getRun(runId)));
      runs.forEach((run, j) => {
        if (run?.status === 'finished') {
          finished++;
          if (run.result === 'succeeded') succeeded++;
        } else still.push(batch[j]!);
      });
    }
    pending = still;
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 200));
  }
  return { finished, succeeded };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
