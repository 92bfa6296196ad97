import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { runEventRoutes } from '../../../../functions/api/routes/runEvents.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/runEvents.ts: a run's Server-Sent Events, and the ticket that opens them. */

let h: ApiHarness;
let runId = '';
const runHook = { hookGroupId: 'g', hookId: 'e' };
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/e', { body: hookBody() });
  runId = (await h.call('POST', '/hooks/g/e/trigger', { body: {} })).body.runId;
});
afterAll(async () => {
  await h?.close();
});

describe('run event routes', () => {
  it('registers exactly its declared endpoints', () => {
    expectRoutes(runEventRoutes(h.services), [endpoints.runEventsTicket, endpoints.runEvents]);
  });

  endpointContract(() => h, endpoints.runEventsTicket, {
    ok: {
      request: () => ({ path: `/runs/${runId}/events/ticket` }),
      check: (a) =>
        expect([a.status, typeof a.body.token, typeof a.body.expires]).toEqual([200, 'string', 'string']),
    },
    bad: {
      request: () => ({ path: '/runs/AAAAAAAAAAAAAAAAAAAAAA/events/ticket' }),
      status: 404,
      message: /AAAAAAAAAAAAAAAAAAAAAA/,
    },
    scopeVars: () => runHook,
  });

  endpointContract(() => h, endpoints.runEvents, {
    ok: {
      request: () => ({ path: `/runs/${runId}/events` }),
      check: (a) => {
        expect(a.status).toBe(200);
        expect(a.headers.get('content-type')).toMatch(/text\/event-stream/);
        expect(a.text).toContain('event: run');
        expect(a.text).toContain(runId);
      },
    },
    bad: { request: () => ({ path: '/runs/x/events' }), message: /runId "x" is not a run id/ },
    scopeVars: () => runHook,
  });

  it('a ticket opens the stream without credentials; a wrong one is a 401', async () => {
    const { token } = (await h.call('POST', `/runs/${runId}/events/ticket`)).body;
    const opened = await h.call('GET', `/runs/${runId}/events?token=${encodeURIComponent(token)}`, {
      credentials: null,
    });
    expect([opened.status, opened.text.includes('event: run')]).toEqual([200, true]);
    const refused = await h.call('GET', `/runs/${runId}/events?token=forged`, { credentials: null });
    expect([refused.status, refused.body.code]).toEqual([401, 'AuthenticationFailed']);
    expect(refused.body.message).toMatch(/events ticket refused/);
  });
});
