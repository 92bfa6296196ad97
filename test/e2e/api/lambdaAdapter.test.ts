import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { handle } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowAll, createApiApp } from '../../../functions/api/app.ts';
import { hookDefinitionSchema } from '../../../functions/api/schemas.ts';
import { CLOUD_STREAMING_SETTINGS } from '../../../functions/app/services.ts';
import { createApiHandler } from '../../../functions/handlers/api.ts';
import { bearer, hookBody, startTestStack, type TestStack, tempDataDir } from '../../support/stack.ts';
import { expectShape, noopTask } from './helpers.ts';

/**
 * The same Hono app the local server runs, served through hono/aws-lambda's `handle()` with
 * hand-built API Gateway HTTP API (payload format 2.0) events: proof that one app serves both.
 */

interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}
type Handler = (event: unknown, context: unknown) => Promise<LambdaResult>;

/** An API Gateway v2 event as the HTTP API sends it (rawPath keeps %2F encoded). */
function apiGatewayEvent(
  method: string,
  rawPath: string,
  options: {
    body?: unknown;
    rawQueryString?: string;
    headers?: Record<string, string>;
    base64?: boolean;
  } = {},
) {
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: options.rawQueryString ?? '',
    headers: {
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'lambda-adapter-test',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      ...(text !== undefined
        ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }
        : {}),
      ...options.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'lambda-adapter-test',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(text !== undefined
      ? {
          body: options.base64 ? Buffer.from(text).toString('base64') : text,
          isBase64Encoded: Boolean(options.base64),
        }
      : { isBase64Encoded: false }),
  };
}

const lambdaContext = {
  functionName: 'hookline-api',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 29_000,
};

let stack: TestStack;
let handler: Handler;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  handler = handle(createApiApp(stack.services, { authorizer: allowAll })) as unknown as Handler;
});
afterAll(async () => {
  await stack?.cleanup();
});

const json = (result: LambdaResult) => JSON.parse(result.body) as Record<string, unknown>;

describe('the api app behind hono/aws-lambda', () => {
  it('PUT a hook (with a / in its id), then GET it', async () => {
    const put = await handler(
      apiGatewayEvent('PUT', '/api/hooks/v1/hooks/lambda/via%2Fgateway', { body: hookBody(noopTask) }),
      lambdaContext,
    );
    expect(put.statusCode).toBe(200);
    expect(put.headers['content-type']).toMatch(/application\/json/);
    const created = expectShape(hookDefinitionSchema, json(put));
    expect(created).toMatchObject({ hookGroupId: 'lambda', hookId: 'via/gateway' });

    const get = await handler(
      apiGatewayEvent('GET', '/api/hooks/v1/hooks/lambda/via%2Fgateway'),
      lambdaContext,
    );
    expect(get.statusCode).toBe(200);
    expect(json(get)).toEqual(created);
    // the same store as the local server's
    expect((await stack.api('GET', '/hooks/lambda/via%2Fgateway')).body).toEqual(created);
  });

  it('reads base64-encoded bodies and query strings', async () => {
    const put = await handler(
      apiGatewayEvent('PUT', '/api/hooks/v1/hooks/lambda/b64', { body: hookBody(noopTask), base64: true }),
      lambdaContext,
    );
    expect(put.statusCode).toBe(200);
    const fires = await handler(
      apiGatewayEvent('GET', '/api/hooks/v1/hooks/lambda/b64/last-fires', { rawQueryString: 'limit=5' }),
      lambdaContext,
    );
    expect(fires.statusCode).toBe(200);
    expect(json(fires)).toEqual({ lastFires: [] });
    const bad = await handler(
      apiGatewayEvent('GET', '/api/hooks/v1/hooks/lambda/b64/last-fires', { rawQueryString: 'limit=0' }),
      lambdaContext,
    );
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toMatchObject({ code: 'InputError', requestInfo: { method: 'GET' } });
  });

  it('answers a 404 in the error shape', async () => {
    const missingHook = await handler(
      apiGatewayEvent('GET', '/api/hooks/v1/hooks/lambda/none'),
      lambdaContext,
    );
    expect(missingHook.statusCode).toBe(404);
    expect(json(missingHook)).toMatchObject({
      code: 'ResourceNotFound',
      message: 'hook lambda/none does not exist',
      requestInfo: { method: 'GET', path: '/api/hooks/v1/hooks/lambda/none' },
    });
    const noEndpoint = await handler(apiGatewayEvent('GET', '/api/hooks/v1/nothing-here'), lambdaContext);
    expect(noEndpoint.statusCode).toBe(404);
    expect(json(noEndpoint)).toMatchObject({
      code: 'ResourceNotFound',
      message: 'no endpoint GET /api/hooks/v1/nothing-here',
    });
  });

  it('the api Lambda handler itself (real authorizer) refuses no credentials and accepts the root client', async () => {
    const clients = stack.clients;
    if (!clients) throw new Error('the test stack runs with authentication');
    const real = (await createApiHandler(
      stack.services,
      clients.store,
      stack.rootCredentials,
    )) as unknown as Handler;
    const anonymous = await real(apiGatewayEvent('GET', '/api/hooks/v1/hooks/lambda/b64'), lambdaContext);
    expect(anonymous.statusCode).toBe(401);
    expect(json(anonymous)).toMatchObject({ code: 'AuthenticationFailed' });
    const authorized = await real(
      apiGatewayEvent('GET', '/api/hooks/v1/hooks/lambda/b64', {
        headers: { authorization: bearer(stack.rootCredentials) },
      }),
      lambdaContext,
    );
    expect(authorized.statusCode).toBe(200);
    expect(json(authorized)).toMatchObject({ hookGroupId: 'lambda', hookId: 'b64' });
    const ping = await real(apiGatewayEvent('GET', '/api/hooks/v1/ping'), lambdaContext);
    expect(ping.statusCode).toBe(200);
  });
});

describe('run events behind API Gateway (whole responses, no change notifier)', () => {
  /** The events of a text/event-stream response (the adapter hands it to API Gateway base64-encoded). */
  const events = (result: LambdaResult) =>
    (result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body)
      .split('\n\n')
      .filter((block) => block.includes('event:'))
      .map((block) => {
        const field = (name: string) =>
          block
            .split('\n')
            .find((line) => line.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim();
        return { id: field('id')!, event: field('event')!, data: JSON.parse(field('data')!) };
      });

  it('each request answers once it has something new; the client goes on with Last-Event-ID', async () => {
    const cloudish = {
      ...stack.services,
      runChanges: undefined,
      settings: { ...stack.services.settings, ...CLOUD_STREAMING_SETTINGS },
    };
    const cloud = handle(createApiApp(cloudish, { authorizer: allowAll })) as unknown as Handler;
    const fifo = join(tempDataDir('hookline-lambda-fifo-'), 'go');
    execFileSync('mkfifo', [fifo]);
    await stack.api(
      'PUT',
      '/hooks/lambda/waits',
      hookBody({ task: { name: 'w', command: ['sh', '-c', 'read go < "$1"; echo done', 'sh', fifo] } }),
    );
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/lambda/waits/trigger', {});
    const path = `/api/hooks/v1/runs/${fired.body.runId}/events`;

    const first = await cloud(apiGatewayEvent('GET', path), lambdaContext);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/text\/event-stream/);
    const snapshot = events(first);
    expect(snapshot[0]).toMatchObject({ event: 'run', data: { runId: fired.body.runId } });

    // the next request waits (polling the store) until the run moves on, then answers
    let lastId = snapshot.at(-1)!.id;
    const seen = [...snapshot];
    const pending = cloud(
      apiGatewayEvent('GET', path, { headers: { 'last-event-id': lastId } }),
      lambdaContext,
    );
    await writeFile(fifo, 'go\n');
    for (let i = 0; i < 20 && seen.at(-1)?.data.status !== 'finished'; i++) {
      const next =
        i === 0
          ? await pending
          : await cloud(
              apiGatewayEvent('GET', path, { headers: { 'last-event-id': lastId } }),
              lambdaContext,
            );
      expect(next.statusCode).toBe(200);
      const batch = events(next);
      seen.push(...batch);
      lastId = batch.at(-1)?.id ?? lastId;
    }
    expect(seen.at(-1)).toMatchObject({ event: 'run', data: { status: 'finished', result: 'succeeded' } });
    expect(
      seen
        .filter((e) => e.event === 'output')
        .map((e) => e.data.text)
        .join(''),
    ).toBe('done\n');
  });
});
