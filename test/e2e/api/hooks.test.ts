import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hookDefinitionSchema,
  hookStatusResponseSchema,
  historyResponseSchema,
  listHookGroupsResponseSchema,
  listHooksResponseSchema,
  pingResponseSchema,
  signingSecretResponseSchema,
} from '../../../functions/api/schemas.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { expectError, expectShape, noopTask } from './helpers.ts';

/** Hook management through HTTP: ping, list, get, create, update, remove, status, history. */

type History = {
  history: Array<{ action: string; time: string; clientId?: string; changes?: Record<string, unknown> }>;
};

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    dataDir: null,
    authorizer: async () => ({ clientId: 'admin', scopes: ['*'] }),
  });
});
afterAll(async () => {
  await stack?.cleanup();
});

const triggerSchema = { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: false };

it('ping', async () => {
  const res = await stack.api('GET', '/ping');
  expect(res.status).toBe(200);
  expect(expectShape(pingResponseSchema, res.body).alive).toBe(true);
});

describe('createHook', () => {
  it('answers the definition with every omitted optional field at its default', async () => {
    const res = await stack.api('PUT', '/hooks/mgmt/defaults', hookBody(noopTask));
    expect(res.status).toBe(200);
    expect(expectShape(hookDefinitionSchema, res.body)).toEqual({
      hookGroupId: 'mgmt',
      hookId: 'defaults',
      metadata: {
        name: 'test hook',
        description: 'a hook made by a test',
        owner: 'tests@example.com',
        emailOnError: true,
      },
      task: noopTask,
      schedule: [],
      bindings: [],
      triggerSchema: { type: 'object', additionalProperties: false },
      scheduleTimezone: 'UTC',
      catchUp: 'latest',
    });
    expect((await stack.api('GET', '/hooks/mgmt/defaults')).body).toEqual(res.body);
  });

  it('is 200 again for an identical definition and 409 RequestConflict for a different one', async () => {
    const body = hookBody(noopTask, { triggerSchema });
    const first = await stack.api('PUT', '/hooks/mgmt/once', body);
    expect(first.status).toBe(200);
    const again = await stack.api('PUT', '/hooks/mgmt/once', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // the same, spelled with its defaults and IDs, is still identical
    const explicit = await stack.api('PUT', '/hooks/mgmt/once', {
      ...body,
      hookGroupId: 'mgmt',
      hookId: 'once',
      schedule: [],
      bindings: [],
      scheduleTimezone: 'UTC',
    });
    expect(explicit.status).toBe(200);
    const different = await stack.api(
      'PUT',
      '/hooks/mgmt/once',
      hookBody({ task: { name: 'other', command: ['true'] } }),
    );
    expectError(different, 409, 'RequestConflict', /mgmt\/once already exists/);
    expect((await stack.api('GET', '/hooks/mgmt/once')).body).toEqual(first.body);
    const history = await stack.api<History>('GET', '/hooks/mgmt/once/history');
    expect(history.body.history.map((h) => h.action)).toEqual(['create']);
  });

  it('takes a hookId with / in it (sent as %2F)', async () => {
    const res = await stack.api('PUT', '/hooks/mgmt/nested%2Fpath%2Fhook', hookBody(noopTask));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hookGroupId: 'mgmt', hookId: 'nested/path/hook' });
    expect((await stack.api('GET', '/hooks/mgmt/nested%2Fpath%2Fhook')).body).toEqual(res.body);
    expect((await stack.api('GET', '/hooks/mgmt/nested%2Fpath%2Fhook/status')).status).toBe(200);
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/mgmt/nested%2Fpath%2Fhook/trigger');
    expect(fired.status).toBe(200);
    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run).toMatchObject({ hookGroupId: 'mgmt', hookId: 'nested/path/hook', result: 'succeeded' });
  });
});

describe('listHookGroups and listHooks', () => {
  it('lists groups that have hooks and the hooks of a group; an empty group is a 404', async () => {
    await stack.api('PUT', '/hooks/list-a/one', hookBody(noopTask));
    await stack.api('PUT', '/hooks/list-a/two', hookBody(noopTask));
    await stack.api('PUT', '/hooks/list-b/one', hookBody(noopTask));
    const groups = expectShape(listHookGroupsResponseSchema, (await stack.api('GET', '/hooks')).body).groups;
    expect(groups).toEqual(expect.arrayContaining(['list-a', 'list-b']));
    expect([...groups].sort()).toEqual(groups);
    const hooks = expectShape(listHooksResponseSchema, (await stack.api('GET', '/hooks/list-a')).body).hooks;
    expect(hooks.map((h) => h.hookId).sort()).toEqual(['one', 'two']);
    expect(hooks.every((h) => h.hookGroupId === 'list-a')).toBe(true);
    expectError(await stack.api('GET', '/hooks/list-none'), 404, 'ResourceNotFound', /list-none/);
  });
});

describe('updateHook', () => {
  it('is a 404 when the hook is missing', async () => {
    expectError(
      await stack.api('POST', '/hooks/mgmt/missing', hookBody(noopTask)),
      404,
      'ResourceNotFound',
      /mgmt\/missing/,
    );
  });

  it('keeps the stored triggerSchema when the update omits it, and replaces it when given', async () => {
    await stack.api(
      'PUT',
      '/hooks/mgmt/update',
      hookBody(noopTask, { triggerSchema, schedule: ['0 3 * * *'] }),
    );
    const updated = await stack.api(
      'POST',
      '/hooks/mgmt/update',
      hookBody({ task: { name: 'v2', command: ['true'] } }),
    );
    expect(updated.status).toBe(200);
    const definition = expectShape(hookDefinitionSchema, updated.body);
    expect(definition.triggerSchema).toEqual(triggerSchema);
    expect(definition.task).toEqual({ task: { name: 'v2', command: ['true'] } });
    // other omitted fields take their defaults (an update is a whole definition)
    expect(definition.schedule).toEqual([]);
    expect((await stack.api('GET', '/hooks/mgmt/update')).body).toEqual(updated.body);
    const replaced = await stack.api(
      'POST',
      '/hooks/mgmt/update',
      hookBody(noopTask, { triggerSchema: { type: 'object' } }),
    );
    expect((replaced.body as { triggerSchema: unknown }).triggerSchema).toEqual({ type: 'object' });
  });

  it('refuses IDs in the body that disagree with the URL', async () => {
    await stack.api('PUT', '/hooks/mgmt/ids', hookBody(noopTask));
    const res = await stack.api('POST', '/hooks/mgmt/ids', { ...hookBody(noopTask), hookId: 'other' });
    expectError(res, 400, 'InputError', /hookId in the body \(other\) must match the URL \(ids\)/);
  });
});

describe('history (audit records)', () => {
  it('records who, when and what changed for create, update, token reset and delete', async () => {
    const started = Date.now();
    await stack.api('PUT', '/hooks/audit/h', hookBody(noopTask, { triggerSchema }));
    await stack.api('POST', '/hooks/audit/h', hookBody(noopTask, { catchUp: 'all' }));
    const oldToken = (await stack.api<{ token: string }>('GET', '/hooks/audit/h/token')).body.token;
    const newToken = (await stack.api<{ token: string }>('POST', '/hooks/audit/h/token')).body.token;
    const removed = await stack.api('DELETE', '/hooks/audit/h');
    expect(removed).toMatchObject({ status: 200, body: {} });

    // the history of a removed hook stays readable: it is the record of what happened to it
    const res = await stack.api('GET', '/hooks/audit/h/history');
    expect(res.status).toBe(200);
    const { history } = expectShape(historyResponseSchema, res.body) as History;
    expect(history.map((h) => h.action)).toEqual(['delete', 'reset-trigger-token', 'update', 'create']);
    for (const record of history) {
      expect(record.clientId).toBe('admin');
      expect(Date.parse(record.time)).toBeGreaterThanOrEqual(started - 1000);
    }
    const [deleted, , update, create] = history;
    expect(create!.changes).toMatchObject({ definition: { hookId: 'h', triggerSchema } });
    expect(update!.changes).toEqual({ catchUp: { from: 'latest', to: 'all' } });
    expect(deleted!.changes).toMatchObject({ definition: { hookId: 'h', catchUp: 'all' } });
    // the history never shows a token
    expect(JSON.stringify(history)).not.toContain(oldToken);
    expect(JSON.stringify(history)).not.toContain(newToken);

    const page = await stack.api<History & { continuationToken?: string }>(
      'GET',
      '/hooks/audit/h/history?limit=3',
    );
    expect(page.body.history).toHaveLength(3);
    const rest = await stack.api<History & { continuationToken?: string }>(
      'GET',
      `/hooks/audit/h/history?limit=3&continuationToken=${page.body.continuationToken}`,
    );
    expect(rest.body.history.map((h) => h.action)).toEqual(['create']);
  });

  it('is empty for a hook that never existed', async () => {
    expect((await stack.api('GET', '/hooks/audit/never/history')).body).toEqual({ history: [] });
  });
});

describe('removeHook', () => {
  it('removes the hook and its token; its fires expire with their retention; its runs stay readable by run id', async () => {
    await stack.api('PUT', '/hooks/rm/me', hookBody(noopTask));
    const { body } = await stack.api<{ token: string }>('GET', '/hooks/rm/me/token');
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/rm/me/trigger');
    await stack.waitForRunFinished(fired.body.runId);
    expect((await stack.services.store.listFires('rm', 'me', { limit: 10 })).items).toHaveLength(1);

    expect((await stack.api('DELETE', '/hooks/rm/me')).status).toBe(200);
    expectError(await stack.api('GET', '/hooks/rm/me'), 404, 'ResourceNotFound');
    expectError(await stack.api('DELETE', '/hooks/rm/me'), 404, 'ResourceNotFound');
    expectError(await stack.api('GET', '/hooks/rm/me/status'), 404, 'ResourceNotFound');
    expectError(await stack.api('GET', '/hooks/rm/me/last-fires'), 404, 'ResourceNotFound');
    expectError(await stack.api('GET', '/hooks/rm/me/token'), 404, 'ResourceNotFound');
    expectError(await stack.api('POST', '/hooks/rm/me/trigger'), 404, 'ResourceNotFound');
    expectError(await stack.api('POST', `/hooks/rm/me/trigger/${body.token}`), 401, 'AuthenticationFailed');
    // Left to expire with their retention (TTL), not deleted in the request.
    const leftFires = (await stack.services.store.listFires('rm', 'me', { limit: 10 })).items;
    expect(leftFires.map((f) => f.expiresAt! > Date.now() / 1000)).toEqual([true]);
    expect((await stack.api('GET', '/hooks')).body).not.toMatchObject({
      groups: expect.arrayContaining(['rm']),
    });
    expect((await stack.api('GET', `/runs/${fired.body.runId}`)).status).toBe(200);

    // a new hook of the same name starts clean: no old fires, a new token
    await stack.api('PUT', '/hooks/rm/me', hookBody(noopTask));
    expect((await stack.api('GET', '/hooks/rm/me/last-fires')).body).toEqual({ lastFires: [] });
    const token = await stack.api<{ token: string }>('GET', '/hooks/rm/me/token');
    expect(token.body.token).not.toBe(body.token);
    expectError(await stack.api('POST', `/hooks/rm/me/trigger/${body.token}`), 401, 'AuthenticationFailed');
  });
});

describe('getHookStatus', () => {
  it('lastFire is no-fire, then success with the run, then error with the message', async () => {
    await stack.api('PUT', '/hooks/status/h', hookBody(noopTask, { triggerSchema }));
    const fresh = await stack.api('GET', '/hooks/status/h/status');
    expect(expectShape(hookStatusResponseSchema, fresh.body)).toEqual({ lastFire: { result: 'no-fire' } });

    const fired = await stack.api<{ runId: string }>('POST', '/hooks/status/h/trigger', { n: 1 });
    await stack.waitForRunFinished(fired.body.runId);
    const ok = expectShape(hookStatusResponseSchema, (await stack.api('GET', '/hooks/status/h/status')).body);
    expect(ok.lastFire).toEqual({
      result: 'success',
      runId: fired.body.runId,
      taskId: fired.body.runId,
      time: expect.any(String),
      runState: 'finished',
      runResult: 'succeeded',
    });
    expect(ok.nextScheduledDate).toBeUndefined();

    const refused = await stack.api<{ message: string }>('POST', '/hooks/status/h/trigger', { n: 'one' });
    expect(refused.status).toBe(400);
    const failed = expectShape(
      hookStatusResponseSchema,
      (await stack.api('GET', '/hooks/status/h/status')).body,
    );
    expect(failed.lastFire).toMatchObject({
      result: 'error',
      error: refused.body.message,
      time: expect.any(String),
      runState: null,
      runResult: null,
    });
  });

  it('nextScheduledDate when the hook has a schedule', async () => {
    await stack.api(
      'PUT',
      '/hooks/status/scheduled',
      hookBody(noopTask, { schedule: ['cron(0 12 1 1 ? 2190)', '0 0 1 1 *'] }),
    );
    const status = expectShape(
      hookStatusResponseSchema,
      (await stack.api('GET', '/hooks/status/scheduled/status')).body,
    );
    const nextNewYear = `${new Date().getUTCFullYear() + 1}-01-01T00:00:00.000Z`;
    expect(status.nextScheduledDate).toBe(nextNewYear);
    expect(status.lastFire).toEqual({ result: 'no-fire' });
  });
});

describe('signing secret', () => {
  it('reads and replaces the secret that signs http steps', async () => {
    await stack.api('PUT', '/hooks/sign/h', hookBody(noopTask));
    const first = expectShape(
      signingSecretResponseSchema,
      (await stack.api('GET', '/hooks/sign/h/signing-secret')).body,
    );
    const reset = expectShape(
      signingSecretResponseSchema,
      (await stack.api('POST', '/hooks/sign/h/signing-secret')).body,
    );
    expect(reset.secret).not.toBe(first.secret);
    expectError(await stack.api('GET', '/hooks/sign/none/signing-secret'), 404, 'ResourceNotFound');
  });
});
