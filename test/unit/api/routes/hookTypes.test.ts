import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { hookTypeRoutes } from '../../../../functions/api/routes/hookTypes.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes } from '../apiHarness.ts';

/** functions/api/routes/hookTypes.ts: hook types, listed, read, put and removed. */

let h: ApiHarness;
let serial = 0;
const hookType = {
  description: 'a type made by a test',
  events: { run: { task: { name: 'announce', event: { source: 'unit', detailType: 'typed', detail: {} } } } },
};
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hook-types/kind', { body: hookType });
});
afterAll(async () => {
  await h?.close();
});

describe('hook type routes', () => {
  it('registers exactly its declared endpoints', () => {
    const { listHookTypes, hookType: getType, putHookType, removeHookType } = endpoints;
    expectRoutes(hookTypeRoutes(h.services), [listHookTypes, getType, putHookType, removeHookType]);
  });

  endpointContract(() => h, endpoints.listHookTypes, {
    ok: {
      request: () => ({ path: '/hook-types' }),
      check: (a) => expect(a.body.hookTypes.map((t: { name: string }) => t.name)).toContain('kind'),
    },
    bad: {
      request: () => ({ path: '/hook-types', headers: { 'content-length': '2000000' } }),
      status: 413,
      message: /1 MiB/,
    },
  });

  endpointContract(() => h, endpoints.hookType, {
    ok: {
      request: () => ({ path: '/hook-types/kind' }),
      check: (a) =>
        expect([a.status, a.body.name, a.body.description]).toEqual([200, 'kind', hookType.description]),
    },
    bad: {
      request: () => ({ path: '/hook-types/unknown' }),
      status: 404,
      message: /hook type unknown does not exist/,
    },
  });

  endpointContract(() => h, endpoints.putHookType, {
    ok: {
      request: () => ({ path: `/hook-types/t${++serial}`, body: hookType }),
      check: (a) => expect([a.status, a.body.name]).toEqual([200, `t${serial}`]),
    },
    bad: {
      request: () => ({ path: '/hook-types/kind', body: { ...hookType, colour: 'red' } }),
      message: /invalid hook type: unknown field\(s\) "colour"/,
    },
  });

  endpointContract(() => h, endpoints.removeHookType, {
    ok: {
      request: async () => {
        await h.call('PUT', `/hook-types/gone${++serial}`, { body: hookType });
        return { path: `/hook-types/gone${serial}` };
      },
      check: async (a) => {
        expect([a.status, a.body]).toEqual([200, {}]);
        expect((await h.call('GET', `/hook-types/gone${serial}`)).status).toBe(404);
      },
    },
    bad: {
      request: () => ({ path: '/hook-types/no%20spaces' }),
      message: /hook type name "no spaces" must match/,
    },
  });
});
