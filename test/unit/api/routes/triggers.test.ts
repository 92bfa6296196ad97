import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { triggerRoutes } from '../../../../functions/api/routes/triggers.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/triggers.ts: firing a hook with credentials or with its trigger token. */

let h: ApiHarness;
let token = '';
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/fire', { body: hookBody({ triggerSchema: { type: 'object' } }) });
  token = (await h.call('GET', '/hooks/g/fire/token')).body.token;
});
afterAll(async () => {
  await h?.close();
});

describe('trigger routes', () => {
  it('registers exactly its declared endpoints', () => {
    expectRoutes(triggerRoutes(h.services), [endpoints.triggerHook, endpoints.triggerHookWithToken]);
  });

  endpointContract(() => h, endpoints.triggerHook, {
    ok: {
      request: () => ({ path: '/hooks/g/fire/trigger', body: { n: 1 } }),
      check: (a) => {
        expect(a.status, a.text).toBe(200);
        expect(a.body).toEqual({ runId: a.body.runId, taskId: a.body.runId, status: expect.any(Object) });
        expect(h.started).toContain(a.body.runId);
      },
    },
    bad: {
      request: () => ({
        path: '/hooks/g/fire/trigger',
        body: {},
        headers: { 'idempotency-key': 'has space' },
      }),
      message: /Idempotency-Key must be 1 to 255 printable ASCII characters/,
    },
  });

  endpointContract(() => h, endpoints.triggerHookWithToken, {
    ok: {
      request: () => ({ path: `/hooks/g/fire/trigger/${token}` }),
      check: (a) => {
        expect(a.status, a.text).toBe(200);
        expect(h.started).toContain(a.body.runId);
      },
    },
    bad: {
      request: () => ({ path: `/hooks/g/fire/trigger/${token}`, body: [1] }),
      message: /payload must be object/,
    },
  });

  it('a wrong trigger token and an unknown hook are the same 401', async () => {
    const wrong = await h.call('POST', '/hooks/g/fire/trigger/not-the-token', { credentials: null });
    const unknown = await h.call('POST', `/hooks/g/nope/trigger/${token}`, { credentials: null });
    expect([wrong.status, wrong.body.code, wrong.body.message]).toEqual([
      401,
      unknown.body.code,
      unknown.body.message,
    ]);
    expect(wrong.text).not.toContain('not-the-token');
  });

  it('the same Idempotency-Key answers with the first run', async () => {
    const send = () =>
      h.call('POST', '/hooks/g/fire/trigger', { body: { n: 2 }, headers: { 'idempotency-key': 'once' } });
    const first = await send();
    const again = await send();
    expect(again.body).toEqual({ ...first.body, duplicate: true });
  });
});
