import Hawk from '@hapi/hawk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../functions/handlers/api.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { httpApiEvent } from '../../support/httpApiEvent.ts';

/**
 * The api Lambda (hono/aws-lambda over the same app) with the real authorizer, fed API Gateway
 * HTTP API (payload 2.0) events: the root client from the deploy secret bootstrapped idempotently,
 * Hawk verified against the domain the client called, nonces shared between containers.
 */

const DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';
const SECRET = { clientId: 'cloud-root', accessToken: 'Q7vJ2mXcP9rLw4tZk8NbY3hFd6sGa1eUo5iRq0nVxCyB' };

type Handler = Awaited<ReturnType<typeof createApiHandler>>;
let stack: TestStack;

beforeAll(async () => {
  // The local stack provides the services and the store the Lambda code runs against.
  stack = await startTestStack({ dataDir: null });
});
afterAll(async () => {
  await stack?.cleanup();
});

const newContainer = () => createApiHandler(stack.services, stack.clients!.store, SECRET);

const event = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  httpApiEvent(DOMAIN, method, path, headers, body);

async function invoke(
  handler: Handler,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const result = (await handler(event(method, path, headers, body) as never, {} as never)) as unknown as {
    statusCode: number;
    body: string;
  };
  return { status: result.statusCode, body: JSON.parse(result.body || '{}') as Record<string, unknown> };
}

const hawk = (url: string, method: string, credentials = SECRET) =>
  Hawk.client.header(url, method, {
    credentials: { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' },
  }).header;

describe('the api Lambda handler', () => {
  it('bootstraps the root client from the deploy secret once, however many cold starts', async () => {
    await Promise.all([newContainer(), newContainer(), newContainer()]);
    await newContainer();
    const record = await stack.clients!.store.getClient('cloud-root');
    expect(record).toMatchObject({ scopes: ['*'], disabled: false, version: 1 });
    expect(record!.accessTokenNonce).toBeUndefined();
    const audit = await stack.clients!.store.listClientAudit('cloud-root', { limit: 10 });
    expect(audit.items.map((a) => [a.action, a.by])).toEqual([['bootstrap', 'bootstrap']]);
  });

  it('serves the API with Bearer and Hawk (signed for the API Gateway domain), and refuses without', async () => {
    const handler = await newContainer();
    const put = await invoke(
      handler,
      'PUT',
      '/api/hooks/v1/hooks/lam/h',
      { authorization: `Bearer ${SECRET.clientId}:${SECRET.accessToken}` },
      hookBody({ task: { name: 'n', command: ['true'] } }),
    );
    expect(put.status).toBe(200);

    const url = `https://${DOMAIN}/api/hooks/v1/hooks/lam/h`;
    expect(
      (await invoke(handler, 'GET', '/api/hooks/v1/hooks/lam/h', { authorization: hawk(url, 'GET') })).status,
    ).toBe(200);
    const query = `https://${DOMAIN}/api/hooks/v1/hooks/lam/h/last-fires?limit=5`;
    expect(
      (
        await invoke(handler, 'GET', '/api/hooks/v1/hooks/lam/h/last-fires?limit=5', {
          authorization: hawk(query, 'GET'),
        })
      ).status,
    ).toBe(200);

    // Signed for another host (e.g. the function URL or localhost): refused.
    const elsewhere = hawk('http://localhost:8080/api/hooks/v1/hooks/lam/h', 'GET');
    expect(
      (await invoke(handler, 'GET', '/api/hooks/v1/hooks/lam/h', { authorization: elsewhere })).status,
    ).toBe(401);
    const none = await invoke(handler, 'GET', '/api/hooks/v1/hooks/lam/h', {});
    expect([none.status, none.body.code]).toEqual([401, 'AuthenticationFailed']);
    expect((await invoke(handler, 'GET', '/api/hooks/v1/ping', {})).status).toBe(200);
  });

  it('refuses a Hawk request replayed to another container (nonces are shared through the table)', async () => {
    const first = await newContainer();
    const second = await newContainer();
    const header = hawk(`https://${DOMAIN}/api/hooks/v1/hooks`, 'GET');
    expect((await invoke(first, 'GET', '/api/hooks/v1/hooks', { authorization: header })).status).toBe(200);
    const replay = await invoke(second, 'GET', '/api/hooks/v1/hooks', { authorization: header });
    expect([replay.status, replay.body.code]).toEqual([401, 'AuthenticationFailed']);
  });

  it('clients made through the Lambda use derived tokens that work with Hawk', async () => {
    const handler = await newContainer();
    const made = await invoke(
      handler,
      'PUT',
      '/api/hooks/v1/clients/lam-ci',
      { authorization: `Bearer ${SECRET.clientId}:${SECRET.accessToken}` },
      { scopes: ['hooks:list-hooks:*'] },
    );
    expect(made.status).toBe(200);
    const ci = { clientId: 'lam-ci', accessToken: made.body.accessToken as string };
    expect(
      (
        await invoke(handler, 'GET', '/api/hooks/v1/hooks', {
          authorization: hawk(`https://${DOMAIN}/api/hooks/v1/hooks`, 'GET', ci),
        })
      ).status,
    ).toBe(200);
  });

  it('a secret changed by hand (put-secret-value) takes effect at the next cold start', async () => {
    const rotated = {
      clientId: SECRET.clientId,
      accessToken: 'Rotated0Secret0Value0With0Enough0Entropy0xyz',
    };
    const handler = await createApiHandler(stack.services, stack.clients!.store, rotated);
    const old = await invoke(handler, 'GET', '/api/hooks/v1/hooks', {
      authorization: `Bearer ${SECRET.clientId}:${SECRET.accessToken}`,
    });
    expect(old.status).toBe(401);
    expect(
      (
        await invoke(handler, 'GET', '/api/hooks/v1/hooks', {
          authorization: `Bearer ${rotated.clientId}:${rotated.accessToken}`,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await invoke(handler, 'GET', '/api/hooks/v1/hooks', {
          authorization: hawk(`https://${DOMAIN}/api/hooks/v1/hooks`, 'GET', rotated),
        })
      ).status,
    ).toBe(200);
  });
});
