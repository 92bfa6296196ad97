import Hawk from '@hapi/hawk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Credentials } from '../../../functions/app/clients.ts';
import { bearer, hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * After authenticated and failed requests of every kind, no access token and no trigger token
 * appears in the captured logs, in error bodies, or in the audit and fire records.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
});
afterAll(async () => {
  await stack?.cleanup();
});

it('keeps every secret out of logs, error bodies and audit records', async () => {
  const secrets = new Set<string>([stack.rootCredentials.accessToken]);
  const responses: unknown[] = [];
  const call = async (
    credentials: Credentials | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => {
    const res =
      credentials === null && headers
        ? await stack.api(method, path, body, headers)
        : await stack.apiAs(credentials, method, path, body, headers);
    responses.push(res.body);
    return res;
  };
  const newClient = async (clientId: string, scopes: string[]) => {
    const res = await call(stack.rootCredentials, 'PUT', `/clients/${clientId}`, { scopes });
    const token = (res.body as { accessToken: string }).accessToken;
    secrets.add(token);
    return { clientId, accessToken: token };
  };

  const alice = await newClient('alice', ['hooks:*']);
  const bob = await newClient('bob', ['hooks:get:*']);

  // Authenticated work: a hook made, read, fired; tokens read and reset; a run.
  await call(alice, 'PUT', '/hooks/sec/h', hookBody({ task: { name: 'n', command: ['true'] } }));
  const token1 = ((await call(alice, 'GET', '/hooks/sec/h/token')).body as { token: string }).token;
  secrets.add(token1);
  const fired = await call(null, 'POST', `/hooks/sec/h/trigger/${token1}`, {});
  expect(fired.status).toBe(200);
  await stack.waitForRunFinished((fired.body as { runId: string }).runId);
  const token2 = ((await call(alice, 'POST', '/hooks/sec/h/token')).body as { token: string }).token;
  secrets.add(token2);
  const signing = ((await call(alice, 'GET', '/hooks/sec/h/signing-secret')).body as { secret: string })
    .secret;
  secrets.add(signing);
  const reset = await call(stack.rootCredentials, 'POST', '/clients/alice/reset');
  const alice2 = { clientId: 'alice', accessToken: (reset.body as { accessToken: string }).accessToken };
  secrets.add(alice2.accessToken);
  expect((await call(alice2, 'POST', '/hooks/sec/h/trigger', {})).status).toBe(200);

  // Hawk, once fine and once replayed.
  const url = `${stack.url}/api/hooks/v1/hooks/sec/h`;
  const header = Hawk.client.header(url, 'GET', {
    credentials: { id: alice2.clientId, key: alice2.accessToken, algorithm: 'sha256' },
  }).header;
  expect((await call(null, 'GET', '/hooks/sec/h', undefined, { authorization: header })).status).toBe(200);
  expect((await call(null, 'GET', '/hooks/sec/h', undefined, { authorization: header })).status).toBe(401);

  // Failures: the old token, another client's token, a token where the id goes, a stale trigger token.
  const failures = [
    await call(alice, 'GET', '/hooks'),
    await call({ clientId: 'bob', accessToken: alice2.accessToken }, 'GET', '/hooks'),
    await call(null, 'GET', '/hooks', undefined, { authorization: `Bearer ${alice2.accessToken}:alice` }),
    await call(null, 'GET', '/hooks', undefined, { authorization: `Bearer ${bob.accessToken}` }),
    await call(null, 'POST', `/hooks/sec/h/trigger/${token1}`, {}),
    await call(null, 'POST', `/hooks/sec/nope/trigger/${token2}`, {}),
    await call(bob, 'POST', '/hooks/sec/h/trigger', {}),
  ];
  expect(failures.map((f) => f.status)).toEqual([401, 401, 401, 401, 401, 401, 403]);

  // What must hold no secret: every log line, every response that was an error, the audit and fire records.
  const errorBodies = responses.filter((b) => typeof b === 'object' && b !== null && 'code' in b);
  const hookHistory = (await stack.api('GET', '/hooks/sec/h/history')).body;
  const lastFires = (await stack.api('GET', '/hooks/sec/h/last-fires')).body;
  const clientAudit = await Promise.all(
    ['root', 'alice', 'bob'].map((id) => stack.clients!.store.listClientAudit(id, { limit: 100 })),
  );
  expect(clientAudit.flatMap((p) => p.items).length).toBeGreaterThanOrEqual(4);
  const haystacks: Record<string, string> = {
    logs: JSON.stringify(stack.logs.lines),
    errors: JSON.stringify(errorBodies),
    hookAudit: JSON.stringify(hookHistory),
    clientAudit: JSON.stringify(clientAudit),
    fires: JSON.stringify(lastFires),
  };
  expect(haystacks.logs).toContain('authentication failed');
  expect(haystacks.logs).toContain('/trigger/***');
  for (const [where, text] of Object.entries(haystacks)) {
    for (const secret of secrets) expect(text.includes(secret), `a secret in ${where}`).toBe(false);
  }
  // Bearer header values never appear either (they carry the token).
  expect(haystacks.logs).not.toContain(bearer(alice2));
});
