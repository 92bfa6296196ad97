import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { signingSecretRoutes } from '../../../../functions/api/routes/signingSecret.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/signingSecret.ts: the secret that signs a hook's http steps. */

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/s', { body: hookBody() });
});
afterAll(async () => {
  await h?.close();
});

describe('signing secret routes', () => {
  it('registers exactly its declared endpoints', () => {
    expectRoutes(signingSecretRoutes(h.services), [endpoints.getSigningSecret, endpoints.resetSigningSecret]);
  });

  endpointContract(() => h, endpoints.getSigningSecret, {
    ok: {
      request: () => ({ path: '/hooks/g/s/signing-secret' }),
      check: (a) => expect(a.body.secret).toEqual(expect.any(String)),
    },
    bad: { request: () => ({ path: '/hooks/g/none/signing-secret' }), status: 404, message: /g\/none/ },
  });

  endpointContract(() => h, endpoints.resetSigningSecret, {
    ok: {
      request: () => ({ path: '/hooks/g/s/signing-secret' }),
      check: async (a) => {
        expect(a.status).toBe(200);
        expect((await h.call('GET', '/hooks/g/s/signing-secret')).body.secret).toBe(a.body.secret);
      },
    },
    bad: {
      request: () => ({ path: '/hooks/bad!/s/signing-secret' }),
      message: /hookGroupId "bad!" must match/,
    },
  });

  it('a reset secret is a new one', async () => {
    const before = (await h.call('GET', '/hooks/g/s/signing-secret')).body.secret;
    const after = (await h.call('POST', '/hooks/g/s/signing-secret')).body.secret;
    expect(after).not.toBe(before);
  });
});
