import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { hookConfigRoutes } from '../../../../functions/api/routes/hookConfig.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/hookConfig.ts: one key of a hook's stored config, set or removed. */

let h: ApiHarness;
let serial = 0;
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/c', { body: hookBody() });
});
afterAll(async () => {
  await h?.close();
});

describe('hook config routes', () => {
  it('registers exactly its declared endpoints', () => {
    expectRoutes(hookConfigRoutes(h.services), [endpoints.setHookConfigKey, endpoints.removeHookConfigKey]);
  });

  endpointContract(() => h, endpoints.setHookConfigKey, {
    ok: {
      request: () => ({ path: '/hooks/g/c/config/colour', body: { value: 'red' } }),
      check: async (a) => {
        expect([a.status, a.body.config.colour]).toEqual([200, 'red']);
        expect((await h.call('GET', '/hooks/g/c')).body.config).toMatchObject({ colour: 'red' });
      },
    },
    bad: {
      request: () => ({ path: '/hooks/g/c/config/colour', body: { val: 1 } }),
      message: /the body must be \{"value": <any JSON value>\}/,
    },
  });

  endpointContract(() => h, endpoints.removeHookConfigKey, {
    ok: {
      request: async () => {
        const key = `k${++serial}`;
        await h.call('PUT', `/hooks/g/c/config/${key}`, { body: { value: 1 } });
        return { path: `/hooks/g/c/config/${key}` };
      },
      check: (a) => {
        expect(a.status, a.text).toBe(200);
        expect(Object.keys(a.body.config)).not.toContain(`k${serial}`);
      },
    },
    bad: { request: () => ({ path: '/hooks/g/c/config/1bad' }), message: /config key "1bad" must match/ },
  });

  it('removing a key the hook does not have is a 404 naming it', async () => {
    const res = await h.call('DELETE', '/hooks/g/c/config/absent');
    expect([res.status, res.body.message]).toEqual([404, 'hook g/c has no config key "absent"']);
  });
});
