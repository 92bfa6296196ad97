import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHook } from '../../../functions/app/manageHooks.ts';
import { matchEventToBindings } from '../../../functions/app/matchEvent.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** Which bindings an event matches, without firing (functions/app/matchEvent.ts). */
let env: InProcessServices;
const task = { task: { name: 't', command: ['true'] } };
beforeAll(async () => {
  env = await inProcessServices();
  const create = (group: string, id: string, bindings: unknown[]) =>
    createHook(env.services, group, id, hookBody(task, { bindings }), { scopes: ['*'] });
  await create('shop', 'orders', [{ source: ['shop'] }, { detail: { total: [{ numeric: ['>', 100] }] } }]);
  await create('shop', 'big', [{ source: ['shop'], detail: { total: [{ numeric: ['>=', 1000] }] } }]);
  await create('audit', 'all', [{ source: [{ prefix: 'sh' }] }]);
  await create('other', 'none', [{ source: ['billing'] }]);
});
afterAll(async () => {
  await env?.close();
});

const order = (total: number) => ({ source: 'shop', 'detail-type': 'Order Placed', detail: { total } });

describe('matchEventToBindings', () => {
  it('answers every matching binding, sorted by hook then binding, and fires nothing', async () => {
    const matches = await matchEventToBindings(env.services, order(150), () => true);
    expect(matches.map((m) => [m.hookGroupId, m.hookId, m.bindingIndex])).toEqual([
      ['audit', 'all', 0],
      ['shop', 'orders', 0],
      ['shop', 'orders', 1],
    ]);
    expect(matches[1]).toMatchObject({ name: 'test hook', pattern: { source: ['shop'] } });
    expect(env.started).toEqual([]);
    expect(await env.services.store.listRecentRuns({}, { limit: 10 })).toMatchObject({ items: [] });
  });

  it('a pattern with a numeric condition matches only values that meet it', async () => {
    const matches = await matchEventToBindings(env.services, order(1000), () => true);
    expect(matches.map((m) => m.hookId)).toContain('big');
    expect((await matchEventToBindings(env.services, order(5), () => true)).map((m) => m.hookId)).toEqual([
      'all',
      'orders',
    ]);
  });

  it('leaves out the hooks the caller may not see', async () => {
    const matches = await matchEventToBindings(env.services, order(150), (group) => group === 'shop');
    expect(matches.map((m) => m.hookGroupId)).toEqual(['shop', 'shop']);
    expect(await matchEventToBindings(env.services, order(150), () => false)).toEqual([]);
  });
});
