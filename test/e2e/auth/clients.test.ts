import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientView, Credentials } from '../../../functions/app/clients.ts';
import { bearer, hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/** The clients API: create, get, list, update, reset, disable/enable, delete — and what is stored. */

type Client = ClientView & { accessToken?: string };
type ErrorBody = { code: string; message: string };

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
});
afterAll(async () => {
  await stack?.cleanup();
});

async function create(clientId: string, body: Record<string, unknown> = {}): Promise<Credentials> {
  const res = await stack.api<Client>('PUT', `/clients/${encodeURIComponent(clientId)}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { clientId, accessToken: res.body.accessToken! };
}

/** Every field of every record in the store (whichever kind the stack runs on), as text. */
async function tableText(): Promise<string> {
  const records: unknown[] = [];
  for await (const record of stack.storage.archive.records()) records.push(record);
  expect(records.length).toBeGreaterThan(0);
  return JSON.stringify(records);
}

describe('createClient', () => {
  it('answers the client with a 256-bit access token, shown this once', async () => {
    const res = await stack.api<Client>('PUT', '/clients/ci-builder', {
      description: 'builds things',
      scopes: ['hooks:trigger-hook:ci/*'],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      clientId: 'ci-builder',
      description: 'builds things',
      scopes: ['hooks:trigger-hook:ci/*'],
      expandedScopes: ['hooks:trigger-hook:ci/*'],
      disabled: false,
      expires: '3000-01-01T00:00:00.000Z',
    });
    const token = res.body.accessToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    const got = await stack.api<Client>('GET', '/clients/ci-builder');
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('accessToken');
    expect(JSON.stringify(got.body)).not.toContain(token);
    expect((await stack.api('PUT', '/clients/ci-builder', {})).status).toBe(409);
  });

  it('stores only a salted hash of the token (never the token, nor a plain SHA-256 of it)', async () => {
    const a = await create('hash-a');
    const b = await create('hash-b');
    const text = await tableText();
    for (const token of [a.accessToken, b.accessToken, stack.rootCredentials.accessToken]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(createHash('sha256').update(token).digest('hex'));
    }
    const records = await Promise.all([a, b].map((c) => stack.clients!.store.getClient(c.clientId)));
    expect(records[0]!.accessTokenSalt).not.toBe(records[1]!.accessTokenSalt);
    expect(records[0]!.accessTokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses bad input: unknown fields, bad scopes, a bad expiry, a bad clientId', async () => {
    expect((await stack.api('PUT', '/clients/bad1', { scope: ['x'] })).status).toBe(400);
    expect((await stack.api('PUT', '/clients/bad2', { scopes: ['tab\there'] })).status).toBe(400);
    expect((await stack.api('PUT', '/clients/bad3', { expires: 'tomorrow' })).status).toBe(400);
    expect((await stack.api('PUT', '/clients/bad%20id', {})).status).toBe(400);
  });

  it('lets a client give only scopes it holds itself (403 naming the missing ones)', async () => {
    const maker = await create('maker', { scopes: ['auth:create-client:made-*', 'hooks:get:*'] });
    const ok = await stack.apiAs<Client>(maker, 'PUT', '/clients/made-ok', { scopes: ['hooks:get:a:b'] });
    expect(ok.status).toBe(200);
    const refused = await stack.apiAs<ErrorBody>(maker, 'PUT', '/clients/made-more', {
      scopes: ['hooks:get:a:b', 'hooks:trigger-hook:a/b', '*'],
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'InsufficientScopes']);
    expect(refused.body.message).toContain('hooks:trigger-hook:a/b');
    expect(refused.body.message).toContain('*');
    expect((await stack.api('GET', '/clients/made-more')).status).toBe(404);
  });
});

describe('using a client', () => {
  it('authenticates with Bearer <clientId>:<accessToken> (a clientId may contain colons)', async () => {
    const creds = await create('project:ci/bot', { scopes: ['hooks:list-hooks:*'] });
    const res = await stack.apiAs(creds, 'GET', '/hooks');
    expect(res.status).toBe(200);
    const malformed = await stack.api<ErrorBody>('GET', '/hooks', undefined, {
      authorization: `Bearer ${creds.accessToken}`,
    });
    expect([malformed.status, malformed.body.code]).toEqual([401, 'AuthenticationFailed']);
    const basic = await stack.api('GET', '/hooks', undefined, { authorization: 'Basic cm9vdDp4' });
    expect(basic.status).toBe(401);
  });

  it('names the client in the audit record of the hook changes it makes', async () => {
    const creds = await create('auditor', { scopes: ['hooks:modify-hook:aud/*'] });
    expect(
      (
        await stack.apiAs(
          creds,
          'PUT',
          '/hooks/aud/h',
          hookBody({ task: { name: 'n', event: { source: 'audit', detailType: 'n', detail: {} } } }),
        )
      ).status,
    ).toBe(200);
    expect((await stack.apiAs(creds, 'DELETE', '/hooks/aud/h')).status).toBe(200);
    const history = await stack.api<{ history: Array<{ action: string; clientId: string }> }>(
      'GET',
      '/hooks/aud/h/history',
    );
    expect(history.body.history.map((h) => h.clientId)).toEqual(['auditor', 'auditor']);
  });
});

describe('listClients', () => {
  it('lists with a prefix, page by page', async () => {
    for (const id of ['list-a', 'list-b', 'list-c']) await create(id);
    const first = await stack.api<{ clients: Client[]; continuationToken?: string }>(
      'GET',
      '/clients?prefix=list-&limit=2',
    );
    expect(first.body.clients.map((c) => c.clientId)).toEqual(['list-a', 'list-b']);
    expect(first.body.clients[0]).not.toHaveProperty('accessToken');
    const second = await stack.api<{ clients: Client[]; continuationToken?: string }>(
      'GET',
      `/clients?prefix=list-&limit=2&continuationToken=${first.body.continuationToken}`,
    );
    expect(second.body.clients.map((c) => c.clientId)).toEqual(['list-c']);
    expect((await stack.api('GET', '/clients?continuationToken=bogus')).status).toBe(400);
  });
});

describe('updateClient', () => {
  it('changes description, expires and scopes; gaining a scope needs the caller to hold it', async () => {
    await create('upd', { scopes: ['hooks:get:x:*'] });
    const res = await stack.api<Client>('POST', '/clients/upd', {
      description: 'new',
      scopes: ['hooks:get:x:*', 'hooks:status:x/*'],
      expires: '2999-01-01T00:00:00Z',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      description: 'new',
      expires: '2999-01-01T00:00:00.000Z',
      scopes: ['hooks:get:x:*', 'hooks:status:x/*'],
    });

    const editor = await create('editor', { scopes: ['auth:update-client:upd', 'hooks:status:*'] });
    // Keeping what the client had, adding what the editor holds: fine.
    expect(
      (await stack.apiAs(editor, 'POST', '/clients/upd', { scopes: ['hooks:get:x:*', 'hooks:status:y/z'] }))
        .status,
    ).toBe(200);
    const refused = await stack.apiAs<ErrorBody>(editor, 'POST', '/clients/upd', {
      scopes: ['hooks:trigger-hook:x/y'],
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'InsufficientScopes']);
    expect(refused.body.message).toContain('hooks:trigger-hook:x/y');
    expect((await stack.api('POST', '/clients/nobody-here', {})).status).toBe(404);
  });
});

describe('resetAccessToken, disable, enable, delete, expiry', () => {
  it('reset: the old token stops working at once, the new one works', async () => {
    const old = await create('resettable', { scopes: ['hooks:list-hooks:*'] });
    const res = await stack.api<Client>('POST', '/clients/resettable/reset');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const fresh = { clientId: 'resettable', accessToken: res.body.accessToken! };
    expect(fresh.accessToken).not.toBe(old.accessToken);
    expect((await stack.apiAs(old, 'GET', '/hooks')).status).toBe(401);
    expect((await stack.apiAs(fresh, 'GET', '/hooks')).status).toBe(200);
  });

  it('disable refuses the client (401 saying so), enable lets it in again', async () => {
    const creds = await create('switch', { scopes: ['hooks:list-hooks:*'] });
    expect((await stack.api<Client>('POST', '/clients/switch/disable')).body.disabled).toBe(true);
    const refused = await stack.apiAs<ErrorBody>(creds, 'GET', '/hooks');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/disabled/);
    expect((await stack.api<Client>('POST', '/clients/switch/enable')).body.disabled).toBe(false);
    expect((await stack.apiAs(creds, 'GET', '/hooks')).status).toBe(200);
  });

  it('an expired client is refused', async () => {
    const creds = await create('expired', { scopes: ['*'], expires: '2001-01-01T00:00:00Z' });
    const refused = await stack.apiAs<ErrorBody>(creds, 'GET', '/hooks');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/expired/);
  });

  it('delete: the client is gone and refused; deleting again is fine', async () => {
    const creds = await create('doomed', { scopes: ['*'] });
    expect((await stack.api('DELETE', '/clients/doomed')).status).toBe(200);
    expect((await stack.apiAs(creds, 'GET', '/hooks')).status).toBe(401);
    expect((await stack.api('GET', '/clients/doomed')).status).toBe(404);
    expect((await stack.api('DELETE', '/clients/doomed')).status).toBe(200);
  });

  it('keeps an audit trail of client changes naming who made them, without secrets', async () => {
    const boss = await create('boss', { scopes: ['auth:*'] });
    await stack.apiAs(boss, 'PUT', '/clients/audited', { scopes: ['auth:list-clients'] });
    await stack.apiAs(boss, 'POST', '/clients/audited', { description: 'd' });
    const reset = await stack.apiAs<Client>(boss, 'POST', '/clients/audited/reset');
    await stack.apiAs(boss, 'POST', '/clients/audited/disable');
    await stack.apiAs(boss, 'POST', '/clients/audited/enable');
    const history = await stack.api<{ history: Array<{ action: string; by: string }> }>(
      'GET',
      '/clients/audited/history',
    );
    expect(history.body.history.map((h) => [h.action, h.by]).reverse()).toEqual([
      ['create', 'boss'],
      ['update', 'boss'],
      ['reset-access-token', 'boss'],
      ['disable', 'boss'],
      ['enable', 'boss'],
    ]);
    const text = JSON.stringify(history.body);
    expect(text).not.toContain(reset.body.accessToken!);
    expect(text).not.toMatch(/accessToken|Hash|Salt|Nonce/);
    await stack.apiAs(boss, 'DELETE', '/clients/audited');
    const page = await stack.clients!.store.listClientAudit('audited', { limit: 10 });
    expect(page.items[0]).toMatchObject({ action: 'delete', by: 'boss' });
  });
});

describe('lastDateUsed', () => {
  it('is written at most once a minute', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const timed = await startTestStack({ dataDir: null, clock: { now: () => new Date(now) } });
    try {
      const res = await timed.api<Client>('PUT', '/clients/used', { scopes: ['hooks:list-hooks:*'] });
      const creds = { clientId: 'used', accessToken: res.body.accessToken! };
      const usedAt = async () => (await timed.clients!.store.getClient('used'))!.lastDateUsed;
      expect(await usedAt()).toBe('2030-01-01T00:00:00.000Z');
      now += 30_000;
      await timed.api('GET', '/hooks', undefined, { authorization: bearer(creds) });
      expect(await usedAt()).toBe('2030-01-01T00:00:00.000Z');
      now += 31_000;
      await timed.api('GET', '/hooks', undefined, { authorization: bearer(creds) });
      expect(await usedAt()).toBe('2030-01-01T00:01:01.000Z');
      now += 20_000;
      await timed.api('GET', '/hooks', undefined, { authorization: bearer(creds) });
      await timed.api('GET', '/hooks', undefined, { authorization: bearer(creds) });
      expect(await usedAt()).toBe('2030-01-01T00:01:01.000Z');
    } finally {
      await timed.cleanup();
    }
  });
});
