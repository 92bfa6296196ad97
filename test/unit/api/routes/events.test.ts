import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { eventRoutes } from '../../../../functions/api/routes/events.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/events.ts: which hooks' bindings an event matches, firing nothing. */

let h: ApiHarness;
const event = { source: 'shop', 'detail-type': 'order', detail: { total: 5 } };
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/bound', { body: hookBody({ bindings: [{ source: ['shop'] }] }) });
  await h.call('PUT', '/hooks/other/bound', { body: hookBody({ bindings: [{ source: ['shop'] }] }) });
});
afterAll(async () => {
  await h?.close();
});

describe('event routes', () => {
  it('registers exactly its declared endpoint', () => {
    expectRoutes(eventRoutes(h.services), [endpoints.matchEvent]);
  });

  endpointContract(() => h, endpoints.matchEvent, {
    ok: {
      request: () => ({ path: '/events/match', body: { event } }),
      check: (a) => {
        const matched = a.body.matches.map(
          (m: { hookGroupId: string; hookId: string }) => `${m.hookGroupId}/${m.hookId}`,
        );
        expect(matched.sort()).toEqual(['g/bound', 'other/bound']);
        expect(h.started).toEqual([]);
      },
    },
    bad: {
      request: () => ({ path: '/events/match', body: { event: 'order' } }),
      message: /event: .*\(expected \{"event": \{…\}\}\)/,
    },
  });

  it("leaves out hooks the caller may not read (the declaration's filter scope)", async () => {
    const reader = await h.clientWith(['hooks:list-hooks:', 'hooks:get:g:*']);
    const res = await h.call('POST', '/events/match', { body: { event }, credentials: reader });
    expect(res.body.matches.map((m: { hookGroupId: string }) => m.hookGroupId)).toEqual(['g']);
  });
});
