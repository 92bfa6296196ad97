import { request as httpRequest } from 'node:http';
import Hawk from '@hapi/hawk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../functions/app/clients.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * The published taskcluster-client, unchanged, against the local stack: its Hooks class signs with
 * Hawk. Replayed, stale, re-addressed and tampered Hawk requests are refused (made with @hapi/hawk).
 */

interface TaskclusterError extends Error {
  statusCode?: number;
  code?: string;
}
interface HooksClient {
  ping(): Promise<{ alive: boolean }>;
  createHook(g: string, h: string, body: unknown): Promise<Record<string, unknown>>;
  hook(g: string, h: string): Promise<Record<string, unknown>>;
  triggerHook(g: string, h: string, payload: unknown): Promise<{ taskId: string }>;
  removeHook(g: string, h: string): Promise<void>;
  listHookGroups(): Promise<{ groups: string[] }>;
}
type HooksClass = new (options: {
  rootUrl: string;
  credentials?:
    | Credentials
    | Record<string, never>
    | { clientId: string; accessToken: string; certificate: unknown };
  authorizedScopes?: string[];
  retries?: number;
}) => HooksClient;

// taskcluster-client ships no types: imported by a name TypeScript does not resolve, typed above.
const moduleName: string = 'taskcluster-client';
let Hooks: HooksClass;
let stack: TestStack;

const noop = { task: { name: 'noop', command: ['true'] } };

beforeAll(async () => {
  Hooks = ((await import(moduleName)) as { default: { Hooks: HooksClass } }).default.Hooks;
  stack = await startTestStack({ dataDir: null });
});
afterAll(async () => {
  await stack?.cleanup();
});

const hooks = (credentials: Credentials, extra: { authorizedScopes?: string[] } = {}) =>
  new Hooks({ rootUrl: stack.url, credentials, retries: 0, ...extra });

async function refusal(promise: Promise<unknown>): Promise<TaskclusterError> {
  try {
    await promise;
  } catch (error) {
    return error as TaskclusterError;
  }
  throw new Error('the call succeeded');
}

async function newClient(clientId: string, scopes: string[]): Promise<Credentials> {
  const res = await stack.api<{ accessToken: string }>('PUT', `/clients/${clientId}`, { scopes });
  expect(res.status).toBe(200);
  return { clientId, accessToken: res.body.accessToken };
}

describe('taskcluster-client Hooks with credentials (Hawk)', () => {
  it('creates, triggers and removes a hook; the audit records name the client', async () => {
    const client = hooks(stack.rootCredentials);
    expect((await client.ping()).alive).toBe(true);
    const created = await client.createHook('tc', 'with/slash', hookBody(noop));
    expect(created).toMatchObject({ hookGroupId: 'tc', hookId: 'with/slash' });
    expect(await client.hook('tc', 'with/slash')).toEqual(created);
    const fired = await client.triggerHook('tc', 'with/slash', {});
    expect(fired.taskId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await stack.waitForRunFinished(fired.taskId);
    await client.removeHook('tc', 'with/slash');
    expect((await refusal(client.hook('tc', 'with/slash'))).statusCode).toBe(404);

    const history = await stack.api<{ history: Array<{ action: string; clientId?: string }> }>(
      'GET',
      '/hooks/tc/with%2Fslash/history',
    );
    expect(history.body.history.map((h) => [h.action, h.clientId]).sort()).toEqual([
      ['create', 'root'],
      ['delete', 'root'],
    ]);
    const run = await stack.api<{ firedBy: string }>('GET', `/runs/${fired.taskId}`);
    expect(run.body.firedBy).toBe('triggerHook');
  });

  it('is refused with a wrong access token or an unknown client (401, the same message)', async () => {
    const wrong = await refusal(
      hooks({ clientId: 'root', accessToken: 'x'.repeat(43) }).createHook('tc', 'nope', hookBody(noop)),
    );
    const unknown = await refusal(
      hooks({ clientId: 'nobody', accessToken: 'x'.repeat(43) }).createHook('tc', 'nope', hookBody(noop)),
    );
    expect([wrong.statusCode, wrong.code]).toEqual([401, 'AuthenticationFailed']);
    expect([unknown.statusCode, unknown.code]).toEqual([401, 'AuthenticationFailed']);
    expect(unknown.message.split('\n')[0]).toBe(wrong.message.split('\n')[0]);
    expect((await stack.api('GET', '/hooks/tc/nope')).status).toBe(404);
  });

  it('answers 403 naming the scope to a Hawk client without it', async () => {
    const reader = await newClient('tc-reader', ['hooks:get:tc:*']);
    await stack.api('PUT', '/hooks/tc/read', hookBody(noop));
    expect(await hooks(reader).hook('tc', 'read')).toMatchObject({ hookId: 'read' });
    const refused = await refusal(hooks(reader).triggerHook('tc', 'read', {}));
    expect([refused.statusCode, refused.code]).toEqual([403, 'InsufficientScopes']);
    expect(refused.message).toContain('hooks:trigger-hook:tc/read');
  });

  it('honours authorizedScopes (narrowing only) and refuses temporary credentials', async () => {
    await stack.api('PUT', '/hooks/tc/narrow', hookBody(noop));
    const narrowed = hooks(stack.rootCredentials, { authorizedScopes: ['hooks:get:tc:*'] });
    expect(await narrowed.hook('tc', 'narrow')).toMatchObject({ hookId: 'narrow' });
    const refused = await refusal(narrowed.removeHook('tc', 'narrow'));
    expect([refused.statusCode, refused.code]).toEqual([403, 'InsufficientScopes']);

    const small = await newClient('tc-small', ['hooks:get:tc:narrow']);
    const beyond = await refusal(hooks(small, { authorizedScopes: ['hooks:get:*'] }).hook('tc', 'narrow'));
    expect([beyond.statusCode, beyond.code]).toEqual([401, 'AuthenticationFailed']);

    const temporary = new Hooks({
      rootUrl: stack.url,
      retries: 0,
      credentials: { ...stack.rootCredentials, certificate: { version: 1, scopes: ['*'] } },
    });
    const cert = await refusal(temporary.hook('tc', 'narrow'));
    expect(cert.statusCode).toBe(401);
    expect(cert.message).toMatch(/temporary credentials/);
  });
});

/** Sends a request with a Hawk header made by @hapi/hawk (optionally with a Host header of its own). */
function send(
  method: string,
  path: string,
  authorization: string,
  options: { host?: string; body?: string; contentType?: string } = {},
): Promise<{ status: number; body: { code?: string; message?: string } }> {
  const url = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `/api/hooks/v1${path}`,
        headers: {
          authorization,
          ...(options.host ? { host: options.host } : {}),
          ...(options.body !== undefined
            ? {
                'content-type': options.contentType ?? 'application/json',
                'content-length': Buffer.byteLength(options.body),
              }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function hawkHeader(
  url: string,
  method: string,
  credentials: Credentials,
  extra: { timestamp?: number; payload?: string; contentType?: string } = {},
): string {
  return Hawk.client.header(url, method, {
    credentials: { id: credentials.clientId, key: credentials.accessToken, algorithm: 'sha256' },
    ...extra,
  }).header;
}

describe('Hawk requests that must be refused', () => {
  beforeAll(async () => {
    await stack.api('PUT', '/hooks/hawk/h', hookBody(noop));
  });

  it('refuses a replayed request (same nonce)', async () => {
    const header = hawkHeader(`${stack.url}/api/hooks/v1/hooks/hawk/h`, 'GET', stack.rootCredentials);
    expect((await send('GET', '/hooks/hawk/h', header)).status).toBe(200);
    const replay = await send('GET', '/hooks/hawk/h', header);
    expect([replay.status, replay.body.code]).toEqual([401, 'AuthenticationFailed']);
    expect(replay.body.message).toMatch(/already received/);
  });

  it('refuses a stale request (timestamp more than 60 s off), either way', async () => {
    for (const offset of [-120, 120]) {
      const header = hawkHeader(`${stack.url}/api/hooks/v1/hooks/hawk/h`, 'GET', stack.rootCredentials, {
        timestamp: Math.floor(Date.now() / 1000) + offset,
      });
      const res = await send('GET', '/hooks/hawk/h', header);
      expect([res.status, res.body.code]).toEqual([401, 'AuthenticationFailed']);
      expect(res.body.message).toMatch(/timestamp/);
    }
    // Within the skew is fine.
    const ok = hawkHeader(`${stack.url}/api/hooks/v1/hooks/hawk/h`, 'GET', stack.rootCredentials, {
      timestamp: Math.floor(Date.now() / 1000) - 30,
    });
    expect((await send('GET', '/hooks/hawk/h', ok)).status).toBe(200);
  });

  it('verifies the host and port the client addressed (the Host header), not another', async () => {
    const port = new URL(stack.url).port;
    const asSeen = hawkHeader(
      'https://hooks.example.com/api/hooks/v1/hooks/hawk/h',
      'GET',
      stack.rootCredentials,
    );
    expect((await send('GET', '/hooks/hawk/h', asSeen, { host: 'hooks.example.com:443' })).status).toBe(200);
    const otherHost = hawkHeader(
      `http://localhost:${port}/api/hooks/v1/hooks/hawk/h`,
      'GET',
      stack.rootCredentials,
    );
    expect((await send('GET', '/hooks/hawk/h', otherHost)).status).toBe(401);
    const otherPath = hawkHeader(`${stack.url}/api/hooks/v1/hooks/hawk/other`, 'GET', stack.rootCredentials);
    expect((await send('GET', '/hooks/hawk/h', otherPath)).status).toBe(401);
  });

  it('checks a payload hash when the client sends one', async () => {
    const url = `${stack.url}/api/hooks/v1/hooks/hawk/h/trigger`;
    const body = '{}';
    const header = hawkHeader(url, 'POST', stack.rootCredentials, {
      payload: body,
      contentType: 'application/json',
    });
    expect((await send('POST', '/hooks/hawk/h/trigger', header, { body })).status).toBe(200);
    const tampered = hawkHeader(url, 'POST', stack.rootCredentials, {
      payload: body,
      contentType: 'application/json',
    });
    const res = await send('POST', '/hooks/hawk/h/trigger', tampered, { body: '{"x":1}' });
    expect([res.status, res.body.code]).toEqual([401, 'AuthenticationFailed']);
  });

  it('ignores credentials on public endpoints (ping answers even with a bad MAC)', async () => {
    const bad = hawkHeader(`${stack.url}/api/hooks/v1/ping`, 'GET', {
      clientId: 'root',
      accessToken: 'wrong',
    });
    expect((await send('GET', '/ping', bad)).status).toBe(200);
  });
});
