import Hawk from '@hapi/hawk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRoutes, encodedRequestPath } from '../../../functions/adapters/aws/apiGatewayPath.ts';
import { allowAll, createApiApp } from '../../../functions/api/app.ts';
import { createApiHandler } from '../../../functions/handlers/api.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { httpApiEvent } from '../../support/httpApiEvent.ts';

/**
 * API Gateway's `rawPath` both ways: kept encoded (REST APIs, function URLs) or decoded (HTTP APIs, the
 * stack's front). Routing and Hawk verification must come out the same for ids holding `/`.
 */
const DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';
const SECRET = { clientId: 'gw-root', accessToken: 'Gw7vJ2mXcP9rLw4tZk8NbY3hFd6sGa1eUo5iRq0nVxCyB' };
type Handler = Awaited<ReturnType<typeof createApiHandler>>;

let stack: TestStack;
let handler: Handler;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  handler = await createApiHandler(stack.services, stack.clients!.store, SECRET);
});
afterAll(async () => {
  await stack?.cleanup();
});

const event = (
  method: string,
  path: string,
  form: 'encoded' | 'decoded',
  headers: Record<string, string>,
  body?: unknown,
) => httpApiEvent(DOMAIN, method, path, headers, body, form);

async function invoke(
  method: string,
  path: string,
  form: 'encoded' | 'decoded',
  headers: Record<string, string> = {},
  body?: unknown,
) {
  const auth: Record<string, string> = headers.authorization
    ? {}
    : { authorization: `Bearer ${SECRET.clientId}:${SECRET.accessToken}` };
  const result = (await handler(
    event(method, path, form, { ...auth, ...headers }, body) as never,
    {} as never,
  )) as unknown as {
    statusCode: number;
    body: string;
  };
  return { status: result.statusCode, body: JSON.parse(result.body || '{}') as Record<string, unknown> };
}

/** Signed as taskcluster-client signs: the URL with the id percent-encoded. */
const hawk = (method: string, path: string) =>
  Hawk.client.header(`https://${DOMAIN}${path}`, method, {
    credentials: { id: SECRET.clientId, key: SECRET.accessToken, algorithm: 'sha256' },
  }).header;

const FORMS = ['encoded', 'decoded'] as const;

describe.each(FORMS)('a hook id with "/" when rawPath arrives %s', (form) => {
  const base = `/api/hooks/v1/hooks/gw-${form}/nightly%2Fbackup`;

  it('creates, reads, reads the status of, and removes the hook', async () => {
    const put = await invoke('PUT', base, form, {}, hookBody({ task: { name: 't', command: ['true'] } }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ hookGroupId: `gw-${form}`, hookId: 'nightly/backup' });
    expect((await invoke('GET', base, form)).body).toMatchObject({ hookId: 'nightly/backup' });
    const status = await invoke('GET', `${base}/status`, form);
    expect(status).toMatchObject({ status: 200, body: { lastFire: { result: 'no-fire' } } });
    const fires = await invoke('GET', `${base}/last-fires?limit=5`, form);
    expect(fires).toEqual({ status: 200, body: { lastFires: [] } });
    expect((await invoke('DELETE', base, form)).status).toBe(200);
    expect((await invoke('GET', base, form)).status).toBe(404);
  });

  it('verifies a Hawk signature made over the encoded path', async () => {
    await invoke('PUT', base, form, {}, hookBody({ task: { name: 't', command: ['true'] } }));
    const get = await invoke('GET', base, form, { authorization: hawk('GET', base) });
    expect(get).toMatchObject({ status: 200, body: { hookId: 'nightly/backup' } });
    const query = `${base}/last-fires?limit=5`;
    expect((await invoke('GET', query, form, { authorization: hawk('GET', query) })).status).toBe(200);
    // A signature over another path is still refused.
    const other = await invoke('GET', base, form, {
      authorization: hawk('GET', `/api/hooks/v1/hooks/gw-${form}/other`),
    });
    expect([other.status, other.body.code]).toEqual([401, 'AuthenticationFailed']);
  });

  it('routes a client id holding "/" and "@"', async () => {
    const path = `/api/hooks/v1/clients/${encodeURIComponent(`team/${form}@ci`)}`;
    const made = await invoke('PUT', path, form, {}, { scopes: ['hooks:list-hooks:*'] });
    expect(made).toMatchObject({ status: 200, body: { clientId: `team/${form}@ci` } });
    const read = await invoke('GET', path, form, { authorization: hawk('GET', path) });
    expect(read).toMatchObject({ status: 200, body: { clientId: `team/${form}@ci` } });
  });
});

describe('encodedRequestPath', () => {
  const routes = compileRoutes(
    createApiApp(stack?.services ?? ({} as never), { authorizer: allowAll, clients: {} as never }).routes,
  );
  const p = '/api/hooks/v1';

  it('leaves encoded paths as they are and re-encodes decoded ones', () => {
    expect(encodedRequestPath('GET', `${p}/hooks/g/a%2Fb%2Fc/status`, routes)).toBe(
      `${p}/hooks/g/a%2Fb%2Fc/status`,
    );
    expect(encodedRequestPath('GET', `${p}/hooks/g/a/b/c/status`, routes)).toBe(
      `${p}/hooks/g/a%2Fb%2Fc/status`,
    );
    expect(encodedRequestPath('GET', `${p}/hooks/g/a/b/c`, routes)).toBe(`${p}/hooks/g/a%2Fb%2Fc`);
    expect(encodedRequestPath('POST', `${p}/hooks/g/a/b/trigger/tok`, routes)).toBe(
      `${p}/hooks/g/a%2Fb/trigger/tok`,
    );
    expect(encodedRequestPath('PUT', `${p}/hooks/g/a/b/config/key`, routes)).toBe(
      `${p}/hooks/g/a%2Fb/config/key`,
    );
    expect(encodedRequestPath('GET', `${p}/runs/abc/steps/1/output`, routes)).toBe(
      `${p}/runs/abc/steps/1/output`,
    );
    expect(encodedRequestPath('GET', `${p}/nothing/here`, routes)).toBe(`${p}/nothing/here`);
  });

  it('decoded, an id ending in an endpoint’s name is the endpoint (the documented limit of decoding fronts)', () => {
    expect(encodedRequestPath('GET', `${p}/hooks/g/nightly/status`, routes)).toBe(
      `${p}/hooks/g/nightly/status`,
    );
    // No PUT …/status endpoint: the whole rest is the id.
    expect(encodedRequestPath('PUT', `${p}/hooks/g/nightly/status`, routes)).toBe(
      `${p}/hooks/g/nightly%2Fstatus`,
    );
  });
});

describe('the trigger-repair invocation', () => {
  it('is answered by the repair pass, not the HTTP app', async () => {
    const result = (await handler({ action: 'repair-triggers' } as never, {} as never)) as unknown;
    expect(result).toEqual({ repaired: [] });
  });
});
