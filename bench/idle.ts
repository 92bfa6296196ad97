import { storeHooks } from './events.ts';
import { benchStack } from './localClient.ts';

/**
 * Issue 16's idle cost: the CPU a local stack uses doing nothing, with no hooks and with 1,000 hooks that
 * each have a schedule (daily, not due during the measurement) and a concurrency limit. Measured with
 * process.cpuUsage over `measureMs` (default 10 s) after the stack has settled; the bar is ≤ 2 % of a
 * core for 1,000 hooks. The stack runs in this process, so the figure is the whole server's.
 */
export interface IdleFigures {
  measureSeconds: number;
  emptyStackCorePercent: number;
  hooks: number;
  /** Each hook with a schedule only: the scheduler's share. */
  scheduledCorePercent: number;
  /** Each hook with a schedule and a concurrency limit (the case): adds the queue sweep. */
  scheduledAndLimitedCorePercent: number;
}

const metadata = { name: 'idle', description: 'idle scheduled hook', owner: 'bench@example.com' };
const task = { task: { name: 'noop', command: ['true'] } };

async function idleCorePercent(
  hooks: number,
  limited: boolean,
  settleMs: number,
  measureMs: number,
): Promise<number> {
  const stack = await benchStack({ auth: false });
  try {
    // Daily, twelve hours from now: no fire time falls in the measurement.
    const schedule = [
      `${(new Date().getUTCMinutes() + 30) % 60} ${(new Date().getUTCHours() + 12) % 24} * * *`,
    ];
    await storeHooks(
      stack.services,
      Array.from({ length: hooks }, (_, i) => [
        `idle-${i}`,
        { metadata, task, schedule, ...(limited ? { concurrency: { limit: 1, onLimit: 'queue' } } : {}) },
      ]),
    );
    await new Promise((r) => setTimeout(r, settleMs));
    const before = process.cpuUsage();
    const start = performance.now();
    await new Promise((r) => setTimeout(r, measureMs));
    const used = process.cpuUsage(before);
    const elapsedMs = performance.now() - start;
    return Math.round(((used.user + used.system) / 1000 / elapsedMs) * 1000) / 10;
  } finally {
    await stack.stop();
  }
}

export async function benchIdle(options: { hooks?: number; measureMs?: number } = {}): Promise<IdleFigures> {
  const hooks = options.hooks ?? 1000;
  const measureMs = options.measureMs ?? 10_000;
  const emptyStackCorePercent = await idleCorePercent(0, false, 2_000, measureMs);
  const scheduledCorePercent = await idleCorePercent(hooks, false, 2_000, measureMs);
  const scheduledAndLimitedCorePercent = await idleCorePercent(hooks, true, 2_000, measureMs);
  return {
    measureSeconds: measureMs / 1000,
    emptyStackCorePercent,
    hooks,
    scheduledCorePercent,
    scheduledAndLimitedCorePercent,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchIdle(), null, 2)}\n`);
  process.exit(0);
}
