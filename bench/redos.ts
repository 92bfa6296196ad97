import { monitorEventLoopDelay } from 'node:perf_hooks';
import { benchStack, apiClient, median, percentile } from './localClient.ts';

/**
 * Issue 16's ReDoS figures: a hook whose `triggerSchema` has `pattern: "^(a+)+$"` (a 30-character
 * payload stalled a backtracking engine for 11 s), triggered with payloads that almost match
 * (`a…a!`). Measured: how long each evil trigger takes to be answered (its 400), how long a `GET
 * /ping` sent meanwhile waits, and the longest block of the event loop while they run. The issue's
 * bar: answered within 100 ms, a concurrent ping never delayed over 100 ms, a single validation
 * blocking the loop for a few milliseconds at most.
 */
export interface RedosFigures {
  pattern: string;
  byPayloadLength: Array<{ length: number; status: number; p50Ms: number; maxMs: number }>;
  concurrentTriggers: number;
  pings: number;
  pingP50Ms: number;
  pingMaxMs: number;
  eventLoopMaxBlockMs: number;
}

const PATTERN = '^(a+)+$';
const LENGTHS = [30, 1_000, 100_000];

export async function benchRedos(samples = 20, concurrent = 50): Promise<RedosFigures> {
  const stack = await benchStack();
  const api = apiClient(stack);
  try {
    const created = await api('PUT', '/hooks/bench/redos', {
      metadata: { name: 'redos', description: 'evil triggerSchema pattern', owner: 'bench@example.com' },
      task: { task: { name: 'noop', command: ['true'] } },
      triggerSchema: { type: 'object', properties: { name: { type: 'string', pattern: PATTERN } } },
    });
    if (created.status !== 200) throw new Error(`createHook answered ${created.status}`);
    const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const start = performance.now();
      const result = await work();
      return [result, performance.now() - start];
    };
    const evil = (length: number) => () =>
      api('POST', '/hooks/bench/redos/trigger', { name: `${'a'.repeat(length - 1)}!` });

    const byPayloadLength: RedosFigures['byPayloadLength'] = [];
    for (const length of LENGTHS) {
      const times: number[] = [];
      let status = 0;
      for (let i = 0; i < samples; i++) {
        const [res, ms] = await timed(evil(length));
        status = res.status;
        times.push(ms);
      }
      byPayloadLength.push({ length, status, p50Ms: round(median(times)), maxMs: round(Math.max(...times)) });
    }

    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const pingTimes: number[] = [];
    let triggersDone = false;
    const pinging = (async () => {
      while (!triggersDone) {
        const [, ms] = await timed(() => fetch(`${stack.url}/api/hooks/v1/ping`).then((r) => r.text()));
        pingTimes.push(ms);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await Promise.all(Array.from({ length: concurrent }, evil(1_000)));
    triggersDone = true;
    await pinging;
    loop.disable();
    return {
      pattern: PATTERN,
      byPayloadLength,
      concurrentTriggers: concurrent,
      pings: pingTimes.length,
      pingP50Ms: round(median(pingTimes)),
      pingMaxMs: round(percentile(pingTimes, 100)),
      eventLoopMaxBlockMs: round(loop.max / 1e6),
    };
  } finally {
    await stack.stop();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchRedos(), null, 2)}\n`);
  process.exit(0);
}
