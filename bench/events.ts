import { randomUUID } from 'node:crypto';
import type { ScheduledFire } from '../functions/adapters/local/localScheduler.ts';
import type { DeliveredEvent } from '../functions/app/fireFromSources.ts';
import type { Services } from '../functions/app/services.ts';
import { completeDefinition, hookDefinitionInputSchema } from '../functions/core/hookDefinition.ts';
import type { HookRecord } from '../functions/ports/store.ts';
import { benchStack, median, percentile } from './localClient.ts';

/**
 * Issue 5 figures, on an in-memory local stack (dynalite in memory, the real router and scheduler):
 *
 * - `eventsPerSecond`: events delivered to the local bus (`LocalBus.deliver`, what PutEvents does after
 *   validating) and routed end to end with 1,000 bindings stored: every event is matched against all
 *   1,000 bindings (they all name its source or cannot be indexed by source), and the ~10 % that match
 *   one hook fire it (hook read, render — the template renders null — and the declined fire recorded
 *   in dynalite). Measured from the first delivery until the bus has drained.
 * - `matchOnlyEventsPerSecond`: the same events through the router's matching alone (no store), the
 *   cost of EventBridge content filtering over 1,000 compiled patterns.
 * - `p50DelayMs` / `p99DelayMs`: the local scheduler's firing delay over `dueTimes` due times (300
 *   one-time `at(...)` schedules, 50 due each second over 6 s, real clock): from the scheduled time
 *   until `fireFromSchedule` returned (fire recorded; the template renders null, so no run is started).
 */
export interface EventFigures {
  bindings: number;
  eventsPerSecond: number;
  eventsRouted: number;
  hooksFired: number;
  matchOnlyEventsPerSecond: number;
  dueTimes: number;
  p50DelayMs: number;
  p99DelayMs: number;
  maxDelayMs: number;
}

const metadata = { name: 'bench', description: 'benchmark hook', owner: 'bench@example.com' };
/** Renders to null: the fire is recorded as declined, no run starts. */
const declines = { $if: 'false', then: { task: { name: 'never', command: 'true' } } };

/** Four pattern shapes, as bindings in the wild look: exact, numeric, nested, and a source prefix. */
function binding(i: number): Record<string, unknown> {
  switch (i % 4) {
    case 0:
      return { source: ['bench.orders'], detail: { shard: [i] } };
    case 1:
      return {
        source: ['bench.orders'],
        'detail-type': ['Order Placed'],
        detail: { shard: [{ numeric: ['=', i] }] },
      };
    case 2:
      return { source: ['bench.orders'], detail: { customer: { tier: ['gold', 'silver'] }, shard: [i] } };
    default:
      return { source: [{ prefix: 'bench.' }], detail: { shard: [i] } };
  }
}

function event(shard: number): DeliveredEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Order Placed',
    source: 'bench.orders',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: [],
    detail: { shard, customer: { tier: 'gold', id: `c-${shard}` }, total: shard % 500 },
  };
}

/**
 * Stores many hooks quickly (the API's createHook costs ~8 dynalite round trips each): the record is
 * written directly, 25 at a time, and the local TriggerSync told, as createHook would.
 */
export async function storeHooks(
  services: Services,
  bodies: Array<[string, Record<string, unknown>]>,
): Promise<void> {
  const now = services.clock.now().toISOString();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const [hookId, body] = bodies[next++]!;
      const definition = completeDefinition('bench', hookId, hookDefinitionInputSchema.parse(body));
      const record: HookRecord = {
        definition,
        triggerTokenHash: '-',
        triggerTokenNonce: '-',
        createdAt: now,
        updatedAt: now,
        version: 1,
        configVersion: 1,
        signingSecret: '-',
      };
      await services.store.createHook(record);
      await services.triggers?.sync(definition);
    }
  };
  await Promise.all(Array.from({ length: 25 }, worker));
}

export async function benchEvents(
  options: { bindings?: number; events?: number; dueTimes?: number } = {},
): Promise<EventFigures> {
  const bindings = options.bindings ?? 1000;
  const eventCount = options.events ?? 5000;
  const dueTimes = options.dueTimes ?? 300;
  const fires: ScheduledFire[] = [];
  const stack = await benchStack({
    auth: false,
    schedulerTickMs: 200,
    onScheduledFire: (fire) => fires.push(fire),
  });
  try {
    const { services } = stack;
    await storeHooks(
      services,
      Array.from({ length: bindings }, (_, i) => [
        `bound-${i}`,
        { metadata, task: declines, bindings: [binding(i)] },
      ]),
    );
    const routed = stack.router.bindingCount;
    await stack.bus.drain();

    // Shards 0 .. 10*bindings: about one event in ten matches one hook.
    const events = Array.from({ length: eventCount }, (_, i) => event((i * 7919) % (bindings * 10)));
    const matchStart = performance.now();
    let matched = 0;
    for (let round = 0; round < 4; round++) for (const e of events) matched += stack.router.match(e).length;
    const matchOnlyEventsPerSecond = (4 * events.length) / ((performance.now() - matchStart) / 1000);

    const routeStart = performance.now();
    for (const e of events) stack.bus.deliver(e);
    await stack.bus.drain();
    const eventsPerSecond = events.length / ((performance.now() - routeStart) / 1000);
    const hooksFired = matched / 4;

    // Scheduler: `dueTimes` one-time schedules, 50 due each second, starting a few seconds from now.
    const perSecond = 50;
    const firstDue = Math.ceil(Date.now() / 1000) * 1000 + 3000 + Math.ceil(dueTimes / 100) * 1000;
    const at = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;
    await storeHooks(
      services,
      Array.from({ length: dueTimes }, (_, i) => {
        const due = firstDue + Math.floor(i / perSecond) * 1000;
        return [`at-${i}`, { metadata, task: declines, schedule: [at(due)] }];
      }),
    );
    if (Date.now() >= firstDue) throw new Error('creating the scheduled hooks took longer than planned');
    const lastDue = firstDue + Math.floor((dueTimes - 1) / perSecond) * 1000;
    const deadline = lastDue + 10_000;
    while (fires.length < dueTimes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const delays = fires.map((f) => f.firedAt.getTime() - f.scheduledTime.getTime());
    if (delays.length < dueTimes) throw new Error(`only ${delays.length} of ${dueTimes} due times fired`);

    return {
      bindings: routed,
      eventsPerSecond: Math.round(eventsPerSecond),
      eventsRouted: events.length,
      hooksFired,
      matchOnlyEventsPerSecond: Math.round(matchOnlyEventsPerSecond),
      dueTimes: delays.length,
      p50DelayMs: Math.round(median(delays) * 10) / 10,
      p99DelayMs: Math.round(percentile(delays, 99) * 10) / 10,
      maxDelayMs: Math.max(...delays),
    };
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchEvents(), null, 2)}\n`);
}
