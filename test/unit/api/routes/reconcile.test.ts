import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { reconcileRoutes } from '../../../../functions/api/routes/reconcile.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/reconcile.ts: a hook's rules and schedules made to match its definition again. */

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/rc', { body: hookBody() });
});
afterAll(async () => {
  await h?.close();
});

describe('reconcile route', () => {
  it('registers exactly its declared endpoint', () => {
    expectRoutes(reconcileRoutes(h.services), [endpoints.reconcileHook]);
  });

  endpointContract(() => h, endpoints.reconcileHook, {
    ok: {
      request: () => ({ path: '/hooks/g/rc/reconcile' }),
      check: (a) => expect([a.status, a.body]).toEqual([200, { outOfSync: [] }]),
    },
    bad: { request: () => ({ path: '/hooks/g/%252F/reconcile' }), message: /hookId "%2F" must match/ },
  });
});
