import { PutEventsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../functions/app/clients.ts';
import {
  awsSignedHeaders,
  bearer,
  eventBridgeClientFor,
  startTestStack,
  type TestStack,
} from '../../support/stack.ts';

/**
 * The local EventBridge-compatible endpoint (`POST /`) is guarded like the API: an unchanged AWS SDK
 * client signs (SigV4) with a Hookline clientId and access token; PutEvents needs `hooks:put-events`;
 * TestEventPattern, pure computation, needs nothing. The same five cases as the API matrix.
 */

let stack: TestStack;
const delivered: unknown[] = [];

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  stack.bus.subscribe((event) => {
    delivered.push(event);
  });
});
afterAll(async () => {
  await stack?.cleanup();
});

const sdk = (credentials: Credentials) => eventBridgeClientFor(stack, credentials);

const entry = { Source: 'tests.auth', DetailType: 'probe', Detail: '{"n":1}' };

async function putEvents(credentials: Credentials) {
  try {
    return { ok: await sdk(credentials).send(new PutEventsCommand({ Entries: [entry] })) };
  } catch (error) {
    return { error: error as Error & { $metadata?: { httpStatusCode?: number } } };
  }
}

async function client(clientId: string, scopes: string[]): Promise<Credentials> {
  const res = await stack.api<{ accessToken: string }>('PUT', `/clients/${clientId}`, { scopes });
  expect(res.status).toBe(200);
  return { clientId, accessToken: res.body.accessToken };
}

const rawPut = (headers: Record<string, string>, body = JSON.stringify({ Entries: [entry] })) =>
  fetch(`${stack.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
      ...headers,
    },
    body,
  });

describe('PutEvents', () => {
  it('no credentials: MissingAuthenticationTokenException', async () => {
    const res = await rawPut({});
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('wrong credentials: UnrecognizedClientException', async () => {
    const result = await putEvents({ clientId: 'root', accessToken: 'x'.repeat(43) });
    expect(result.error?.name).toBe('UnrecognizedClientException');
    expect(result.error?.$metadata?.httpStatusCode).toBe(403);
  });

  it('a client without the scope: AccessDeniedException naming hooks:put-events', async () => {
    const result = await putEvents(await client('eb-none', ['hooks:get:*']));
    expect(result.error?.name).toBe('AccessDeniedException');
    expect(result.error?.message).toContain('hooks:put-events');
  });

  it('a client with exactly the scope, and one with a wildcard: the events are put', async () => {
    for (const credentials of [
      await client('eb-exact', ['hooks:put-events']),
      await client('eb-wild', ['hooks:*']),
    ]) {
      const before = delivered.length;
      const result = await putEvents(credentials);
      expect(result.ok?.FailedEntryCount).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(delivered.length).toBeGreaterThan(before);
    }
  });

  it('also takes Bearer credentials', async () => {
    expect((await rawPut({ authorization: bearer(stack.rootCredentials) })).status).toBe(200);
  });

  it('refuses a replayed signed request, and one signed more than 5 minutes ago', async () => {
    const body = JSON.stringify({ Entries: [entry] });
    const headers = await awsSignedHeaders(
      `${stack.url}/`,
      stack.rootCredentials,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body,
    );
    expect((await rawPut(headers, body)).status).toBe(200);
    const replay = await rawPut(headers, body);
    expect(replay.status).toBe(403);
    expect(((await replay.json()) as { message: string }).message).toMatch(/already received/);

    const stale = await awsSignedHeaders(
      `${stack.url}/`,
      stack.rootCredentials,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body,
      { signingDate: new Date(Date.now() - 10 * 60_000) },
    );
    expect((await rawPut(stale, body)).status).toBe(403);
    // Signed for one body, sent with another. Signed at another second than the first request, so the
    // refusal cannot come from the replay guard (the signature is new): only the body can refuse it.
    const tampered = await awsSignedHeaders(
      `${stack.url}/`,
      stack.rootCredentials,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body,
      { signingDate: new Date(Date.now() - 3000) },
    );
    expect((await rawPut(tampered, body.replace('probe', 'other'))).status).toBe(403);
  });
});

describe('other operations', () => {
  it('TestEventPattern needs no credentials (it reads nothing and changes nothing)', async () => {
    const res = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.TestEventPattern' },
      body: JSON.stringify({
        Event: JSON.stringify({
          id: '1',
          account: '1',
          source: 'a',
          time: '2030-01-01T00:00:00Z',
          region: 'eu-west-1',
          resources: [],
          'detail-type': 'x',
          detail: {},
        }),
        EventPattern: '{"source":["a"]}',
      }),
    });
    expect(res.status).toBe(200);
    const viaSdk = await sdk({ clientId: 'anyone', accessToken: 'anything' }).send(
      new TestEventPatternCommand({
        Event: JSON.stringify({
          id: '1',
          account: '1',
          source: 'a',
          time: '2030-01-01T00:00:00Z',
          region: 'eu-west-1',
          resources: [],
          'detail-type': 'x',
          detail: {},
        }),
        EventPattern: '{"source":["a"]}',
      }),
    );
    expect(viaSdk.Result).toBe(true);
  });

  it('any other operation needs credentials before it is even looked at', async () => {
    const res = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.DeleteEventBus' },
      body: '{"Name":"default"}',
    });
    expect(res.status).toBe(403);
  });
});
