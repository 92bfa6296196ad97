import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { openApiDocument } from '../../../../functions/api/openapi.ts';
import { serviceRoutes } from '../../../../functions/api/routes/service.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes } from '../apiHarness.ts';

/** functions/api/routes/service.ts: liveness and the OpenAPI document, both public. */

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h?.close();
});

const oversized = { 'content-length': String(2 * 1024 * 1024) };

describe('service routes', () => {
  it('registers exactly its declared endpoints', () => {
    expectRoutes(serviceRoutes(0), [endpoints.ping, endpoints.openApi]);
  });

  endpointContract(() => h, endpoints.ping, {
    ok: {
      request: () => ({ path: '/ping' }),
      check: (a) => expect([a.status, a.body.alive, typeof a.body.uptime]).toEqual([200, true, 'number']),
    },
    bad: { request: () => ({ path: '/ping', headers: oversized }), status: 413, message: /1 MiB/ },
  });

  endpointContract(() => h, endpoints.openApi, {
    ok: {
      request: () => ({ path: '/openapi.json' }),
      check: (a) => expect(a.body).toEqual(JSON.parse(JSON.stringify(openApiDocument()))),
    },
    bad: { request: () => ({ path: '/openapi.json', headers: oversized }), status: 413, message: /1 MiB/ },
  });

  it('a path no endpoint has needs credentials before it is a 404', async () => {
    const anonymous = await h.call('GET', '/nothing-here', { credentials: null });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'AuthenticationFailed']);
    const known = await h.call('GET', '/nothing-here');
    expect([known.status, known.body.message]).toEqual([404, 'no endpoint GET /api/hooks/v1/nothing-here']);
  });
});
