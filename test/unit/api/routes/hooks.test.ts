import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { hookRoutes } from '../../../../functions/api/routes/hooks.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/hooks.ts: Taskcluster's hook management, in process. */

let h: ApiHarness;
let serial = 0;
const fresh = () => `h${++serial}`;
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/one', { body: hookBody() });
});
afterAll(async () => {
  await h?.close();
});

describe('hook routes', () => {
  it('registers exactly its declared endpoints', () => {
    const { listHookGroups, listHooks, hook, createHook, updateHook, removeHook } = endpoints;
    const { getHookStatus, getTriggerToken, resetTriggerToken, hookHistory } = endpoints;
    expectRoutes(hookRoutes(h.services), [
      ...[listHookGroups, listHooks, hook, createHook, updateHook, removeHook],
      ...[getHookStatus, getTriggerToken, resetTriggerToken, hookHistory],
    ]);
  });

  endpointContract(() => h, endpoints.listHookGroups, {
    ok: {
      request: () => ({ path: '/hooks' }),
      check: (a) => expect(a.body.groups).toContain('g'),
    },
    bad: { request: () => ({ path: '/hooks/bad!' }), message: /hookGroupId "bad!" must match/ },
  });

  endpointContract(() => h, endpoints.listHooks, {
    ok: {
      request: () => ({ path: '/hooks/g' }),
      check: (a) => expect(a.body.hooks.map((x: { hookId: string }) => x.hookId)).toContain('one'),
    },
    bad: {
      request: () => ({ path: '/hooks/empty-group' }),
      status: 404,
      message: /no hooks in group empty-group/,
    },
  });

  endpointContract(() => h, endpoints.hook, {
    ok: {
      request: () => ({ path: '/hooks/g/one' }),
      check: (a) => expect([a.status, a.body.hookId, a.body.catchUp]).toEqual([200, 'one', 'latest']),
    },
    bad: {
      request: () => ({ path: `/hooks/${'g'.repeat(600)}/${'h'.repeat(600)}` }),
      message: /together at most 1023/,
    },
  });

  endpointContract(() => h, endpoints.createHook, {
    ok: {
      request: () => ({ path: `/hooks/g/${fresh()}`, body: hookBody() }),
      check: (a) => expect([a.status, a.body.hookGroupId]).toEqual([200, 'g']),
    },
    bad: {
      request: () => ({ path: `/hooks/g/${fresh()}`, body: { ...hookBody(), colour: 'red' } }),
      message: /invalid hook definition: unknown field\(s\) "colour"/,
    },
  });

  endpointContract(() => h, endpoints.updateHook, {
    ok: {
      request: () => ({ path: '/hooks/g/one', body: hookBody({ schedule: ['rate(5 minutes)'] }) }),
      check: (a) => expect([a.status, a.body.schedule]).toEqual([200, ['rate(5 minutes)']]),
    },
    bad: { request: () => ({ path: '/hooks/g/one', rawBody: '{"a": ' }), message: /not valid JSON/ },
  });

  endpointContract(() => h, endpoints.removeHook, {
    ok: {
      request: async () => {
        const id = fresh();
        await h.call('PUT', `/hooks/g/${id}`, { body: hookBody() });
        return { path: `/hooks/g/${id}` };
      },
      check: async (a) => {
        expect([a.status, a.body]).toEqual([200, {}]);
      },
    },
    bad: { request: () => ({ path: '/hooks/g/never-made' }), status: 404, message: /g\/never-made/ },
  });

  endpointContract(() => h, endpoints.getHookStatus, {
    ok: {
      request: () => ({ path: '/hooks/g/one/status' }),
      check: (a) => expect([a.status, a.body.lastFire]).toEqual([200, { result: 'no-fire' }]),
    },
    bad: { request: () => ({ path: '/hooks/g/sp%20ace/status' }), message: /hookId "sp ace" must match/ },
  });

  endpointContract(() => h, endpoints.getTriggerToken, {
    ok: {
      request: () => ({ path: '/hooks/g/one/token' }),
      check: (a) => expect(a.body.token).toEqual(expect.any(String)),
    },
    bad: { request: () => ({ path: '/hooks/g/nope/token' }), status: 404, message: /g\/nope/ },
  });

  endpointContract(() => h, endpoints.resetTriggerToken, {
    ok: {
      request: () => ({ path: '/hooks/g/one/token' }),
      check: async (a) => {
        expect(a.status).toBe(200);
        expect((await h.call('GET', '/hooks/g/one/token')).body.token).toBe(a.body.token);
      },
    },
    bad: { request: () => ({ path: '/hooks/g/nope/token' }), status: 404, message: /g\/nope/ },
  });

  endpointContract(() => h, endpoints.hookHistory, {
    ok: {
      request: () => ({ path: '/hooks/g/one/history?limit=1' }),
      check: (a) => {
        expect(a.body.history).toHaveLength(1);
        expect(a.body.continuationToken).toEqual(expect.any(String));
      },
    },
    bad: {
      request: () => ({ path: '/hooks/g/one/history?limit=0' }),
      message: /limit must be a whole number from 1 to 1000/,
    },
  });
});
