import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import { BindingRouter } from '../../../functions/app/bindingRouter.ts';
import type { DeliveredEvent } from '../../../functions/app/fireFromSources.ts';
import type { Services } from '../../../functions/app/services.ts';
import { matchesEventPattern } from '../../../functions/core/eventPattern/match.ts';
import type { HookDefinition } from '../../../functions/core/hookDefinition.ts';

/**
 * The router's index only narrows the candidates: for every pattern and event here, the hooks it finds
 * are exactly those whose pattern matches the event when tested one by one.
 */
const patterns: Record<string, unknown>[] = [
  { source: ['shop'] },
  { source: ['shop', 'billing'], 'detail-type': ['Order Placed'] },
  { detail: { shard: [7] } },
  { detail: { shard: [{ numeric: ['=', 7] }] } },
  { detail: { shard: ['7'] } },
  { detail: { shard: [7, 8], customer: { tier: ['gold'] } } },
  { detail: { items: { sku: ['a-1'] } } },
  { detail: { flag: [true] } },
  { detail: { gone: [null] } },
  { detail: { missing: [{ exists: false }] } },
  { source: [{ prefix: 'sh' }] },
  { source: ['shop'], detail: { state: [{ 'anything-but': 'cancelled' }] } },
  { 'detail-type': [{ 'equals-ignore-case': 'order placed' }] },
  // $or: the sibling `source` is replaced by the alternative's in the first branch.
  { source: ['shop'], $or: [{ source: ['billing'] }, { detail: { shard: [7] } }] },
  { $or: [{ source: ['nowhere'] }, { detail: { flag: [true] } }] },
  { detail: { $or: [{ shard: [1] }, { shard: [7] }], customer: { tier: ['gold'] } } },
  {
    source: ['hookline'],
    'detail-type': ['Run Finished'],
    detail: { hookGroupId: ['backups'], result: ['failed'] },
  },
];

const base = {
  version: '0',
  id: 'e',
  account: '1',
  time: '2030-01-01T00:00:00Z',
  region: 'local',
  resources: [],
};
const events: DeliveredEvent[] = [
  {
    ...base,
    source: 'shop',
    'detail-type': 'Order Placed',
    detail: { shard: 7, customer: { tier: 'gold' } },
  },
  { ...base, source: 'shop', 'detail-type': 'ORDER PLACED', detail: { shard: '7', state: 'cancelled' } },
  { ...base, source: 'billing', 'detail-type': 'Order Placed', detail: { shard: [1, 8], flag: true } },
  {
    ...base,
    source: 'shipping',
    'detail-type': 'x',
    detail: { items: [{ sku: 'a-1' }, { sku: 'b-2' }], gone: null },
  },
  { ...base, source: 'shop', 'detail-type': 'y', detail: { shard: 7.0, state: 'open', missing: 1 } },
  {
    ...base,
    source: 'shop',
    'detail-type': 'z',
    detail: { items: { sku: ['z', 'a-1'] }, customer: [{ tier: 'gold' }] },
  },
  {
    ...base,
    source: 'hookline',
    'detail-type': 'Run Finished',
    detail: { hookGroupId: 'backups', result: 'failed', chainDepth: 0 },
  },
  { ...base, source: 'other', 'detail-type': 'Order Placed', detail: {} },
];

function routerWith(list: Record<string, unknown>[]) {
  const services = { logger: memoryLogger() } as unknown as Services;
  const router = new BindingRouter(services);
  list.forEach((pattern, i) => {
    router.hookChanged({ hookGroupId: 'g', hookId: `p${i}`, bindings: [pattern] } as HookDefinition);
  });
  return router;
}

describe('BindingRouter matching', () => {
  const router = routerWith(patterns);

  it.each(events.map((e, i) => [i, e] as const))('event %i: the same hooks as brute force', (_i, event) => {
    const expected = patterns.flatMap((p, i) => (matchesEventPattern(p, event) ? [`p${i}`] : []));
    const found = router.match(event).map((m) => m.hookId);
    expect(found.sort()).toEqual(expected.sort());
  });

  it('matches every event a realistic number of times (the table is not vacuous)', () => {
    const total = events.reduce((sum, e) => sum + router.match(e).length, 0);
    expect(total).toBeGreaterThan(20);
  });

  it('agrees with brute force on 300 generated patterns × 300 generated events', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(xs: T[]) => xs[rand(xs.length)]!;
    const scalars = ['a', 'b', 'A', 1, 2, 2.5, true, false, null, '1'];
    const matchValue = () =>
      pick<unknown>([
        pick(scalars),
        pick(scalars),
        { prefix: pick(['a', 'b']) },
        { numeric: ['=', pick([1, 2])] },
        { numeric: ['>', 1] },
        { 'anything-but': pick(['a', 'b']) },
        { exists: pick([true, false]) },
      ]);
    const field = () => Array.from({ length: 1 + rand(2) }, matchValue);
    const keys = ['x', 'y', 'z'];
    const genPattern = (): Record<string, unknown> => {
      const p: Record<string, unknown> = {};
      if (rand(2)) p.source = [pick(['s1', 's2'])];
      const detail: Record<string, unknown> = {};
      for (const k of keys) if (rand(3) === 0) detail[k] = rand(4) === 0 ? { w: field() } : field();
      if (rand(4) === 0) detail.$or = [{ [pick(keys)]: field() }, { [pick(keys)]: field() }];
      if (Object.keys(detail).length > 0) p.detail = detail;
      if (Object.keys(p).length === 0) p.source = ['s1'];
      return p;
    };
    const genValue = (): unknown =>
      rand(5) === 0 ? [pick(scalars), pick(scalars)] : rand(6) === 0 ? { w: pick(scalars) } : pick(scalars);
    const genEvent = (): DeliveredEvent => {
      const detail: Record<string, unknown> = {};
      for (const k of keys) if (rand(4) !== 0) detail[k] = genValue();
      return { ...base, source: pick(['s1', 's2']), 'detail-type': 't', detail };
    };
    const generated = Array.from({ length: 300 }, genPattern);
    const r = routerWith(generated);
    let hits = 0;
    for (let i = 0; i < 300; i++) {
      const event = genEvent();
      const expected = generated.flatMap((p, j) => (matchesEventPattern(p, event) ? [`p${j}`] : []));
      const found = r.match(event).map((m) => m.hookId);
      expect(found.sort()).toEqual(expected.sort());
      hits += found.length;
    }
    expect(hits).toBeGreaterThan(50);
  });

  it('a hook with several matching bindings is found once; removing it removes all its bindings', () => {
    const r = routerWith([]);
    r.hookChanged({
      hookGroupId: 'g',
      hookId: 'multi',
      bindings: [{ source: ['shop'] }, { detail: { shard: [7] } }],
    } as unknown as HookDefinition);
    expect(r.match(events[0]!)).toEqual([{ hookGroupId: 'g', hookId: 'multi' }]);
    expect(r.bindingCount).toBe(2);
    r.hookRemoved('g', 'multi');
    expect(r.match(events[0]!)).toEqual([]);
    expect(r.bindingCount).toBe(0);
  });
});
