import Hawk from '@hapi/hawk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHook } from '../../../functions/app/manageHooks.ts';
import { createApiHandler } from '../../../functions/handlers/api.ts';
import type { ClientStore } from '../../../functions/ports/clientStore.ts';
import type { TriggerSync } from '../../../functions/ports/triggerSync.ts';
import { openStores } from '../../../infra/local/stores.ts';
import { hookBody } from '../../support/hookBody.ts';
import { testStore } from '../../support/testStore.ts';
import { httpApiEvent } from '../../support/httpApiEvent.ts';
import { type InProcessServices, inProcessServices } from '../app/inProcessServices.ts';

/**
 * The api Lambda (functions/handlers/api.ts) fed API Gateway HTTP API (payload 2.0) events, in this
 * process over the in-process services and a client store in SQLite `:memory:`: the root client from the
 * deploy secret, Bearer and Hawk as the client signed them (the decoded path re-encoded), nonces shared
 * between containers, and the trigger-repair invocation.
 */
const DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';
const ROOT = { clientId: 'cloud-root', accessToken: 'Q7vJ2mXcP9rLw4tZk8NbY3hFd6sGa1eUo5iRq0nVxCyB' };
const BEARER = { authorization: `Bearer ${ROOT.clientId}:${ROOT.accessToken}` };
type Handler = Awaited<ReturnType<typeof createApiHandler>>;

let env: InProcessServices;
let clientStore: ClientStore;
let closeClients: () => Promise<void>;
let handler: Handler;

beforeAll(async () => {
  // Hawk timestamps are checked against the system clock (the authorizer's default, as in the cloud),
  // nonces expire by the client store's clock: the services' clock starts at the system's time, so the
  // two agree as they do in the cloud, where both are the system clock.
  env = await inProcessServices(new Date().toISOString());
  const stores = await openStores({ store: testStore(), dataDir: null, clock: env.clock });
  clientStore = stores.clients;
  closeClients = () => stores.close();
  handler = await createApiHandler(env.services, clientStore, ROOT);
});
afterAll(async () => {
  await closeClients?.();
  await env?.close();
});

async function invoke(
  target: Handler,
  method: string,
  path: string,
  headers: Record<string, string>,
  options: { body?: unknown; form?: 'encoded' | 'decoded' } = {},
) {
  const event = httpApiEvent(DOMAIN, method, path, headers, options.body, options.form);
  const result = (await target(event as never, {} as never)) as unknown as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(result.body || '{}') as Record<string, unknown>;
  } catch {
    body = { text: result.body };
  }
  return { status: result.statusCode, headers: result.headers, body };
}

/** A Hawk header as taskcluster-client makes it, for the URL the client called. */
const hawk = (path: string, method: string, credentials = ROOT) =>
  Hawk.client.header(`https://${DOMAIN}${path}`, method, {
    credentials: { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' },
  }).header;

describe('cold start', () => {
  it('makes the root client from the deploy secret once, however many containers start', async () => {
    await Promise.all([1, 2, 3].map(() => createApiHandler(env.services, clientStore, ROOT)));
    expect(await clientStore.getClient(ROOT.clientId)).toMatchObject({
      scopes: ['*'],
      disabled: false,
      version: 1,
    });
    const audit = await clientStore.listClientAudit(ROOT.clientId, { limit: 10 });
    expect(audit.items.map((a) => a.action)).toEqual(['bootstrap']);
    const bootstrapped = env.logs.lines.filter(
      (l) => l.message === 'root client bootstrapped from the deploy secret',
    );
    expect(bootstrapped).toEqual([
      {
        level: 'info',
        message: 'root client bootstrapped from the deploy secret',
        fields: { clientId: ROOT.clientId, outcome: 'created' },
      },
    ]);
    expect(JSON.stringify(env.logs.lines)).not.toContain(ROOT.accessToken);
  });
});

describe('requests', () => {
  it('serves the API to the root client with Bearer, and refuses a request without credentials', async () => {
    const put = await invoke(handler, 'PUT', '/api/hooks/v1/hooks/lam/h', BEARER, {
      body: hookBody({ task: { name: 'n', command: ['true'] } }),
    });
    expect(put).toMatchObject({ status: 200, body: { hookGroupId: 'lam', hookId: 'h' } });
    const none = await invoke(handler, 'GET', '/api/hooks/v1/hooks/lam/h', {});
    expect([none.status, none.body.code]).toEqual([401, 'AuthenticationFailed']);
    expect((await invoke(handler, 'GET', '/api/hooks/v1/ping', {})).status).toBe(200);
  });

  it.each(['encoded', 'decoded'] as const)(
    'routes and Hawk-verifies a hook id holding "/" when the path arrives %s',
    async (form) => {
      const path = `/api/hooks/v1/hooks/gw-${form}/nightly%2Fbackup`;
      const put = await invoke(handler, 'PUT', path, BEARER, {
        body: hookBody({ task: { name: 't', command: ['true'] } }),
        form,
      });
      expect(put).toMatchObject({ status: 200, body: { hookId: 'nightly/backup' } });
      const get = await invoke(handler, 'GET', path, { authorization: hawk(path, 'GET') }, { form });
      expect(get).toMatchObject({
        status: 200,
        body: { hookGroupId: `gw-${form}`, hookId: 'nightly/backup' },
      });
      const status = await invoke(
        handler,
        'GET',
        `${path}/status`,
        { authorization: hawk(`${path}/status`, 'GET') },
        { form },
      );
      expect(status).toMatchObject({ status: 200, body: { lastFire: { result: 'no-fire' } } });
      // A signature over another path is refused.
      const other = await invoke(
        handler,
        'GET',
        path,
        { authorization: hawk(`/api/hooks/v1/hooks/gw-${form}/x`, 'GET') },
        { form },
      );
      expect([other.status, other.body.code]).toEqual([401, 'AuthenticationFailed']);
    },
  );

  it('verifies Hawk against the API Gateway domain: signed for another host is refused', async () => {
    const path = '/api/hooks/v1/hooks';
    expect((await invoke(handler, 'GET', path, { authorization: hawk(path, 'GET') })).status).toBe(200);
    const elsewhere = Hawk.client.header(`http://localhost:8080${path}`, 'GET', {
      credentials: { id: ROOT.clientId, key: ROOT.accessToken, algorithm: 'sha256' },
    }).header;
    expect((await invoke(handler, 'GET', path, { authorization: elsewhere })).status).toBe(401);
  });

  it('refuses a Hawk request replayed to another container (nonces are shared through the client store)', async () => {
    const second = await createApiHandler(env.services, clientStore, ROOT);
    const header = hawk('/api/hooks/v1/hooks', 'GET');
    expect((await invoke(handler, 'GET', '/api/hooks/v1/hooks', { authorization: header })).status).toBe(200);
    const replay = await invoke(second, 'GET', '/api/hooks/v1/hooks', { authorization: header });
    expect([replay.status, replay.body.code]).toEqual([401, 'AuthenticationFailed']);
  });

  it('a client made through the Lambda uses its token with Hawk', async () => {
    const made = await invoke(handler, 'PUT', '/api/hooks/v1/clients/team%2Fci%40example.com', BEARER, {
      body: { scopes: ['hooks:list-hooks:*'] },
      form: 'decoded',
    });
    expect(made).toMatchObject({ status: 200, body: { clientId: 'team/ci@example.com' } });
    const ci = { clientId: 'team/ci@example.com', accessToken: made.body.accessToken as string };
    const listed = await invoke(handler, 'GET', '/api/hooks/v1/hooks', {
      authorization: hawk('/api/hooks/v1/hooks', 'GET', ci),
    });
    expect(listed.status).toBe(200);
  });

  it('a secret changed by hand takes effect at the next cold start; the old token is refused', async () => {
    const rotated = { clientId: ROOT.clientId, accessToken: 'Rotated0Secret0Value0With0Enough0Entropy0xyz' };
    const next = await createApiHandler(env.services, clientStore, rotated);
    expect((await invoke(next, 'GET', '/api/hooks/v1/hooks', BEARER)).status).toBe(401);
    const now = await invoke(next, 'GET', '/api/hooks/v1/hooks', {
      authorization: `Bearer ${rotated.clientId}:${rotated.accessToken}`,
    });
    expect(now.status).toBe(200);
    // and back, for the other tests of this file
    await createApiHandler(env.services, clientStore, ROOT);
    expect((await invoke(handler, 'GET', '/api/hooks/v1/hooks', BEARER)).status).toBe(200);
  });

  it('answers a route that does not exist with a 404 in the error shape', async () => {
    const res = await invoke(handler, 'GET', '/api/hooks/v1/no/such/route', BEARER);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'ResourceNotFound' });
  });

  it('tells the dashboard there is no EventBridge endpoint in the cloud', async () => {
    const res = await invoke(handler, 'GET', '/dashboard.json', {});
    expect([res.status, res.body]).toEqual([200, { eventBridgeEndpoint: false }]);
  });
});

describe('the trigger-repair invocation', () => {
  it('is answered by the repair pass, not the HTTP app: out-of-sync hooks past the grace are reconciled', async () => {
    const synced: string[] = [];
    let failing = true;
    const triggers: TriggerSync = {
      sync: async (definition) => {
        if (failing) throw new Error('Scheduler throttled');
        synced.push(`${definition.hookGroupId}/${definition.hookId}`);
      },
      remove: async () => undefined,
    };
    const services = { ...env.services, triggers };
    const repairing = await createApiHandler(services, clientStore, ROOT);
    expect(await repairing({ action: 'repair-triggers' }, {} as never)).toEqual({ repaired: [] });

    await createHook(
      services,
      'repair',
      'nightly',
      hookBody({ task: { name: 't', command: ['true'] } }, { schedule: ['0 3 * * *'] }),
      {
        scopes: ['*'],
      },
    );
    expect((await env.services.store.getHook('repair', 'nightly'))!.outOfSync?.[0]).toMatch(
      /Scheduler throttled/,
    );
    failing = false;
    // Within the grace the request that set the mark may still be at work: left alone.
    expect(await repairing({ action: 'repair-triggers' }, {} as never)).toEqual({ repaired: [] });
    env.clock.advance(60_000);
    expect(await repairing({ action: 'repair-triggers' }, {} as never)).toEqual({
      repaired: [{ hookGroupId: 'repair', hookId: 'nightly', outOfSync: [] }],
    });
    expect(synced).toEqual(['repair/nightly']);
    expect((await env.services.store.getHook('repair', 'nightly'))!.outOfSync).toBeUndefined();
  });

  it('an event with another action goes to the HTTP app, not the repair pass', async () => {
    const event = { ...httpApiEvent(DOMAIN, 'GET', '/api/hooks/v1/ping', {}), action: 'something-else' };
    const result = (await handler(event as never, {} as never)) as unknown as { statusCode: number };
    expect(result.statusCode).toBe(200);
  });
});
