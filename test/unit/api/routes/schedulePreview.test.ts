import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { schedulePreviewRoutes } from '../../../../functions/api/routes/schedulePreview.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes } from '../apiHarness.ts';

/**
 * functions/api/routes/schedulePreview.ts behind the real authorizer: public, so no credentials are
 * needed. What it computes is tested in test/unit/api/schedulePreview.test.ts.
 */

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('schedule preview route', () => {
  it('registers exactly its declared endpoint', () => {
    expectRoutes(schedulePreviewRoutes(h.services), [endpoints.schedulePreview]);
  });

  endpointContract(() => h, endpoints.schedulePreview, {
    ok: {
      request: () => ({ path: '/schedule-preview?expression=rate(5%20minutes)&count=2' }),
      check: (a) => expect(a.body.times).toEqual(['2030-01-01T00:05:00.000Z', '2030-01-01T00:10:00.000Z']),
    },
    bad: {
      request: () => ({ path: '/schedule-preview?count=2' }),
      message: /the query parameter "expression" is required/,
    },
  });

  it('wrong credentials do not matter on a public endpoint', async () => {
    const res = await h.call('GET', '/schedule-preview?expression=rate(1%20hour)', {
      credentials: { clientId: h.root.clientId, accessToken: 'A'.repeat(43) },
    });
    expect(res.status).toBe(200);
  });
});
