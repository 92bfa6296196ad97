import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { clientRoutes } from '../../../../functions/api/routes/clients.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes } from '../apiHarness.ts';

/** functions/api/routes/clients.ts: clients and their access tokens, with Taskcluster's auth scopes. */

let h: ApiHarness;
let serial = 0;
const made = async () => {
  const clientId = `made-${++serial}`;
  await h.call('PUT', `/clients/${clientId}`, { body: { description: 'made by a test' } });
  return clientId;
};
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/clients/target', { body: { description: 'the target', scopes: ['hooks:get:g:*'] } });
});
afterAll(async () => {
  await h?.close();
});

describe('client routes', () => {
  it('registers exactly its declared endpoints', () => {
    const { listClients, client, clientHistory, createClient, updateClient } = endpoints;
    const { resetAccessToken, disableClient, enableClient, deleteClient } = endpoints;
    expectRoutes(clientRoutes(h.clients), [
      ...[listClients, client, clientHistory, createClient, updateClient],
      ...[resetAccessToken, disableClient, enableClient, deleteClient],
    ]);
  });

  endpointContract(() => h, endpoints.listClients, {
    ok: {
      request: () => ({ path: '/clients?prefix=tar' }),
      check: (a) => expect(a.body.clients.map((c: { clientId: string }) => c.clientId)).toEqual(['target']),
    },
    bad: {
      request: () => ({ path: `/clients?prefix=${'p'.repeat(257)}` }),
      message: /prefix is at most 256 characters/,
    },
  });

  endpointContract(() => h, endpoints.client, {
    ok: {
      request: () => ({ path: '/clients/target' }),
      check: (a) =>
        expect([a.body.clientId, a.body.scopes, a.body.accessToken]).toEqual([
          'target',
          ['hooks:get:g:*'],
          undefined,
        ]),
    },
    bad: { request: () => ({ path: '/clients/nobody' }), status: 404, message: /nobody/ },
  });

  endpointContract(() => h, endpoints.clientHistory, {
    ok: {
      request: () => ({ path: '/clients/target/history' }),
      check: (a) =>
        expect(a.body.history[0]).toMatchObject({
          clientId: 'target',
          action: 'create',
          by: h.root.clientId,
        }),
    },
    bad: {
      request: () => ({ path: '/clients/target/history?limit=x' }),
      message: /limit must be a whole number/,
    },
  });

  endpointContract(() => h, endpoints.createClient, {
    ok: {
      request: () => ({ path: `/clients/new-${++serial}`, body: { description: 'new' } }),
      check: (a) => {
        expect([a.status, a.body.clientId, typeof a.body.accessToken]).toEqual([
          200,
          `new-${serial}`,
          'string',
        ]);
        expect(a.headers.get('cache-control')).toBe('no-store');
      },
    },
    bad: {
      request: () => ({ path: '/clients/odd', body: { scopes: 'all' } }),
      message: /invalid client: scopes/,
    },
  });

  it('a client may only give scopes it holds (403 naming the missing one)', async () => {
    const creator = await h.clientWith(['auth:create-client:sub-*']);
    const res = await h.call('PUT', '/clients/sub-1', {
      body: { scopes: ['hooks:trigger-hook:*'] },
      credentials: creator,
    });
    expect([res.status, res.body.code]).toEqual([403, 'InsufficientScopes']);
    expect(res.body.message).toContain('hooks:trigger-hook:*');
  });

  endpointContract(() => h, endpoints.updateClient, {
    ok: {
      request: () => ({ path: '/clients/target', body: { description: 'changed' } }),
      check: (a) => expect([a.status, a.body.description]).toEqual([200, 'changed']),
    },
    bad: {
      request: () => ({ path: '/clients/target', body: { expires: 'soon' } }),
      message: /invalid client: expires/,
    },
  });

  endpointContract(() => h, endpoints.resetAccessToken, {
    ok: {
      request: () => ({ path: '/clients/target/reset' }),
      check: (a) => {
        expect([a.status, typeof a.body.accessToken]).toEqual([200, 'string']);
        expect(a.headers.get('cache-control')).toBe('no-store');
      },
    },
    bad: { request: () => ({ path: '/clients/nobody/reset' }), status: 404, message: /nobody/ },
  });

  endpointContract(() => h, endpoints.disableClient, {
    ok: {
      request: async () => ({ path: `/clients/${await made()}/disable` }),
      check: (a) => expect([a.status, a.body.disabled]).toEqual([200, true]),
    },
    bad: { request: () => ({ path: '/clients/nobody/disable' }), status: 404, message: /nobody/ },
  });

  endpointContract(() => h, endpoints.enableClient, {
    ok: {
      request: async () => {
        const clientId = await made();
        await h.call('POST', `/clients/${clientId}/disable`);
        return { path: `/clients/${clientId}/enable` };
      },
      check: (a) => expect([a.status, a.body.disabled]).toEqual([200, false]),
    },
    bad: { request: () => ({ path: '/clients/nobody/enable' }), status: 404, message: /nobody/ },
  });

  endpointContract(() => h, endpoints.deleteClient, {
    ok: {
      request: async () => ({ path: `/clients/${await made()}` }),
      check: async (a) => {
        expect([a.status, a.body]).toEqual([200, {}]);
        expect((await h.call('GET', `/clients/made-${serial}`)).status).toBe(404);
      },
    },
    bad: { request: () => ({ path: `/clients/${'x'.repeat(300)}` }), message: /clientId "x+" must match/ },
  });
});
