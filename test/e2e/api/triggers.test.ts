import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hookStatusResponseSchema,
  lastFiresResponseSchema,
  listRunsResponseSchema,
  triggerResponseSchema,
  triggerTokenResponseSchema,
} from '../../../functions/api/schemas.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { echoContextTask, expectError, expectShape, noopTask } from './helpers.ts';

/**
 * Firing through the API: the JSON-e context of each path, triggerSchema defaults, declined and
 * refused fires, idempotency keys, trigger tokens, and paging through last fires and runs.
 */

type Trigger = { runId: string; taskId: string; duplicate?: boolean };
type LastFires = { lastFires: Array<Record<string, unknown>>; continuationToken?: string };

let stack: TestStack;
beforeAll(async () => {
  // Callers of triggerHook are identified (the JSON-e context carries their clientId).
  stack = await startTestStack({
    dataDir: null,
    authorizer: async () => ({ clientId: 'tester', scopes: ['*'] }),
  });
});
afterAll(async () => {
  await stack?.cleanup();
});

const whoSchema = {
  type: 'object',
  properties: { who: { type: 'string', default: 'world' }, n: { type: 'integer' } },
  additionalProperties: false,
};

async function renderedContext(runId: string): Promise<Record<string, unknown>> {
  const run = await stack.waitForRunFinished(runId);
  expect(run.result).toBe('succeeded');
  const output = await stack.api<{ stdout: string }>('GET', `/runs/${runId}/steps/0/output`);
  return JSON.parse(output.body.stdout) as Record<string, unknown>;
}

async function lastFires(path: string, query = ''): Promise<LastFires> {
  const res = await stack.api<LastFires>('GET', `/hooks/${path}/last-fires${query}`);
  expect(res.status).toBe(200);
  return expectShape(lastFiresResponseSchema, res.body) as LastFires;
}

describe('the JSON-e context of each firing path', () => {
  beforeAll(async () => {
    const created = await stack.api(
      'PUT',
      '/hooks/ctx/echo',
      hookBody(echoContextTask(), { triggerSchema: whoSchema }),
    );
    expect(created.status).toBe(200);
  });

  it('triggerHook: firedBy, payload (defaults applied), clientId, runId, taskId, now, hook', async () => {
    const before = Date.now();
    const fired = await stack.api<Trigger>('POST', '/hooks/ctx/echo/trigger', { n: 1 });
    expect(fired.status).toBe(200);
    expectShape(triggerResponseSchema, fired.body);
    const context = await renderedContext(fired.body.runId);
    expect(
      Object.keys(context)
        .filter((k) => k !== 'config')
        .sort(),
    ).toEqual(['clientId', 'firedBy', 'hook', 'now', 'payload', 'runId', 'taskId'].sort());
    expect(context).toMatchObject({
      firedBy: 'triggerHook',
      payload: { n: 1, who: 'world' },
      clientId: 'tester',
      runId: fired.body.runId,
      taskId: fired.body.runId,
      hook: { hookGroupId: 'ctx', hookId: 'echo', metadata: { name: 'test hook' } },
    });
    const now = Date.parse(context.now as string);
    expect(now).toBeGreaterThanOrEqual(before - 1000);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('triggerHookWithToken: the same without clientId', async () => {
    const { body } = await stack.api<{ token: string }>('GET', '/hooks/ctx/echo/token');
    const fired = await stack.api<Trigger>('POST', `/hooks/ctx/echo/trigger/${body.token}`, { who: 'token' });
    expect(fired.status).toBe(200);
    const context = await renderedContext(fired.body.runId);
    expect(
      Object.keys(context)
        .filter((k) => k !== 'config')
        .sort(),
    ).toEqual(['firedBy', 'hook', 'now', 'payload', 'runId', 'taskId'].sort());
    expect(context).toMatchObject({
      firedBy: 'triggerHookWithToken',
      payload: { who: 'token' },
      runId: fired.body.runId,
      taskId: fired.body.runId,
    });
  });

  it('an empty body is the payload {} (with its defaults)', async () => {
    const fired = await stack.api<Trigger>('POST', '/hooks/ctx/echo/trigger');
    expect(fired.status).toBe(200);
    expect((await renderedContext(fired.body.runId)).payload).toEqual({ who: 'world' });
  });

  it('applies defaults of a draft-07 triggerSchema too', async () => {
    await stack.api(
      'PUT',
      '/hooks/ctx/draft07',
      hookBody(echoContextTask(), {
        triggerSchema: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: {
            colour: { type: 'string', default: 'blue' },
            when: { type: 'string', format: 'date' },
          },
          additionalProperties: false,
        },
      }),
    );
    const fired = await stack.api<Trigger>('POST', '/hooks/ctx/draft07/trigger', { when: '2024-02-29' });
    expect(fired.status).toBe(200);
    expect((await renderedContext(fired.body.runId)).payload).toEqual({ colour: 'blue', when: '2024-02-29' });
    // formats are on
    const bad = await stack.api('POST', '/hooks/ctx/draft07/trigger', { when: 'yesterday' });
    expectError(bad, 400, 'InputError', /payload\.when.*format "date"/);
  });
});

describe('declined and refused fires', () => {
  beforeAll(async () => {
    await stack.api(
      'PUT',
      '/hooks/fires/maybe',
      hookBody(
        { $if: 'payload.go', then: noopTask },
        { triggerSchema: { type: 'object', properties: { go: { type: 'boolean' } }, required: ['go'] } },
      ),
    );
  });

  it('a template rendering null answers 200 {} and records a declined fire that started no run', async () => {
    const res = await stack.api('POST', '/hooks/fires/maybe/trigger', { go: false });
    expect(res).toMatchObject({ status: 200, body: {} });
    const { lastFires: rows } = await lastFires('fires/maybe');
    expect(rows[0]).toMatchObject({
      result: 'declined',
      firedBy: 'triggerHook',
      runState: null,
      runResult: null,
    });
    const runs = await stack.api<{ runs: unknown[] }>('GET', '/hooks/fires/maybe/runs');
    expect(runs.body.runs).toHaveLength(0);
    const status = await stack.api('GET', '/hooks/fires/maybe/status');
    expect(status.body).toEqual({ lastFire: { result: 'no-fire' } });
  });

  it('an invalid payload is a 400 InputError saying what and where, recorded as an error fire', async () => {
    const res = await stack.api('POST', '/hooks/fires/maybe/trigger', { go: 'yes' });
    const body = expectError(res, 400, 'InputError', /payload\.go must be boolean/);
    expect(body.message).toMatch(/triggerSchema/);
    const { lastFires: rows } = await lastFires('fires/maybe');
    expect(rows[0]).toMatchObject({
      result: 'error',
      error: body.message,
      runState: null,
      taskState: 'unscheduled',
    });
    const status = await stack.api('GET', '/hooks/fires/maybe/status');
    expect(expectShape(hookStatusResponseSchema, status.body).lastFire).toMatchObject({
      result: 'error',
      error: body.message,
    });
    const missing = await stack.api('POST', '/hooks/fires/maybe/trigger', {});
    expectError(missing, 400, 'InputError', /must have required property 'go'/);
  });

  it('a render error is a 400 naming the failing expression, recorded as an error fire', async () => {
    await stack.api(
      'PUT',
      '/hooks/fires/render',
      hookBody(
        { task: { name: 'x', command: ['echo', { $eval: 'payload.missing.deeper' }] } },
        { triggerSchema: { type: 'object' } },
      ),
    );
    const res = await stack.api('POST', '/hooks/fires/render/trigger', {});
    const body = expectError(res, 400, 'InputError', /task template failed to render/);
    expect(body.message).toMatch(/missing/);
    expect((await lastFires('fires/render')).lastFires[0]).toMatchObject({
      result: 'error',
      error: body.message,
    });
  });

  it('a template rendering an invalid job is a 400 naming the field, recorded as an error fire', async () => {
    // a required payload field: nothing can be rendered at create time, so the fire meets the mistake
    const needsInput = { triggerSchema: { type: 'object', properties: { x: {} }, required: ['x'] } };
    const created = await stack.api(
      'PUT',
      '/hooks/fires/badjob',
      hookBody({ task: { name: 'no action' } }, needsInput),
    );
    expect(created.status).toBe(200);
    const res = await stack.api('POST', '/hooks/fires/badjob/trigger', { x: 1 });
    const body = expectError(
      res,
      400,
      'InputError',
      /rendered an invalid job: task\.task: a step needs exactly one of/,
    );
    expect(res.body).toMatchObject({ path: 'task' });
    expect((await lastFires('fires/badjob')).lastFires[0]).toMatchObject({
      result: 'error',
      error: body.message,
    });
    await stack.api(
      'PUT',
      '/hooks/fires/unknownfield',
      hookBody({ task: { name: 'x', command: ['true'], colour: 1 } }, needsInput),
    );
    const unknown = await stack.api('POST', '/hooks/fires/unknownfield/trigger', { x: 1 });
    expectError(unknown, 400, 'InputError', /task\.task: unknown field\(s\) "colour"/);
    expect(unknown.body).toMatchObject({ path: 'task.colour' });
  });

  it('obviously broken JSON-e is refused at create time, naming the place in the template', async () => {
    const syntax = await stack.api('PUT', '/hooks/fires/syntax', hookBody({ task: { $eval: 'payload b' } }));
    expectError(
      syntax,
      400,
      'InputError',
      /^triggered with the triggerSchema's defaults: task template failed to render at task\.task: Found: b token/,
    );
    expect(syntax.body).toMatchObject({ path: 'task.task' });
    const operator = await stack.api(
      'PUT',
      '/hooks/fires/operator',
      hookBody({ nested: { $frobnicate: 1 } }),
    );
    expectError(
      operator,
      400,
      'InputError',
      /task template failed to render at task\.nested: \$<identifier> is reserved/,
    );
    expect((await stack.api('GET', '/hooks/fires/syntax')).status).toBe(404);
  });
});

describe('Idempotency-Key', () => {
  beforeAll(async () => {
    for (const id of ['one', 'two']) await stack.api('PUT', `/hooks/idem/${id}`, hookBody(noopTask));
  });

  it('the same key for the same hook returns the first run and starts nothing', async () => {
    const headers = { 'idempotency-key': 'key-1' };
    const first = await stack.api<Trigger>('POST', '/hooks/idem/one/trigger', {}, headers);
    expect(first.status).toBe(200);
    expect(first.body.duplicate).toBeUndefined();
    const again = await stack.api<Trigger>('POST', '/hooks/idem/one/trigger', {}, headers);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ runId: first.body.runId, taskId: first.body.runId, duplicate: true });
    // concurrent repeats too
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => stack.api<Trigger>('POST', '/hooks/idem/one/trigger', {}, headers)),
    );
    for (const res of burst) expect(res.body.runId).toBe(first.body.runId);
    // with the token, the key still belongs to the hook
    const { body } = await stack.api<{ token: string }>('GET', '/hooks/idem/one/token');
    const viaToken = await stack.api<Trigger>('POST', `/hooks/idem/one/trigger/${body.token}`, {}, headers);
    expect(viaToken.body.runId).toBe(first.body.runId);

    await stack.waitForRunFinished(first.body.runId);
    const runs = await stack.api<{ runs: Array<{ runId: string }> }>('GET', '/hooks/idem/one/runs');
    expect(runs.body.runs.map((r) => r.runId)).toEqual([first.body.runId]);
  });

  it('another hook with the same key, or the same hook with another key, is independent', async () => {
    const headers = { 'idempotency-key': 'key-shared' };
    const one = await stack.api<Trigger>('POST', '/hooks/idem/two/trigger', {}, headers);
    const other = await stack.api<Trigger>('POST', '/hooks/idem/one/trigger', {}, headers);
    expect(one.body.runId).not.toBe(other.body.runId);
    expect(one.body.duplicate).toBeUndefined();
    expect(other.body.duplicate).toBeUndefined();
    const otherKey = await stack.api<Trigger>(
      'POST',
      '/hooks/idem/two/trigger',
      {},
      { 'idempotency-key': 'key-2' },
    );
    expect(otherKey.body.runId).not.toBe(one.body.runId);
    const noKey = await stack.api<Trigger>('POST', '/hooks/idem/two/trigger', {});
    expect(noKey.body.runId).not.toBe(one.body.runId);
    const runs = await stack.api<{ runs: unknown[] }>('GET', '/hooks/idem/two/runs');
    expect(runs.body.runs).toHaveLength(3);
  });

  it('a fire that started nothing does not hold the key', async () => {
    await stack.api(
      'PUT',
      '/hooks/idem/strict',
      hookBody(noopTask, { triggerSchema: { type: 'object', properties: { n: { type: 'integer' } } } }),
    );
    const headers = { 'idempotency-key': 'retry-me' };
    expectError(
      await stack.api('POST', '/hooks/idem/strict/trigger', { n: 'x' }, headers),
      400,
      'InputError',
    );
    const fixed = await stack.api<Trigger>('POST', '/hooks/idem/strict/trigger', { n: 1 }, headers);
    expect(fixed.status).toBe(200);
    expect(fixed.body.duplicate).toBeUndefined();
    expect(
      (await stack.api<Trigger>('POST', '/hooks/idem/strict/trigger', { n: 1 }, headers)).body,
    ).toMatchObject({
      runId: fixed.body.runId,
      duplicate: true,
    });
  });

  it('a malformed key is a 400', async () => {
    const res = await stack.api('POST', '/hooks/idem/one/trigger', {}, { 'idempotency-key': 'has space' });
    expectError(res, 400, 'InputError', /Idempotency-Key/);
  });
});

describe('trigger tokens', () => {
  beforeAll(async () => {
    await stack.api('PUT', '/hooks/tok/exists', hookBody(noopTask));
  });

  it('getTriggerToken gives a stable token of at least 128 bits; reset replaces it', async () => {
    const first = await stack.api('GET', '/hooks/tok/exists/token');
    const { token } = expectShape(triggerTokenResponseSchema, first.body);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect((await stack.api<{ token: string }>('GET', '/hooks/tok/exists/token')).body.token).toBe(token);

    const fired = await stack.api<Trigger>('POST', `/hooks/tok/exists/trigger/${token}`, {});
    expect(fired.status).toBe(200);
    expect(fired.body.runId).toBeTruthy();

    const reset = await stack.api<{ token: string }>('POST', '/hooks/tok/exists/token');
    expect(reset.status).toBe(200);
    expect(reset.body.token).not.toBe(token);
    expect((await stack.api<{ token: string }>('GET', '/hooks/tok/exists/token')).body.token).toBe(
      reset.body.token,
    );
    expectError(
      await stack.api('POST', `/hooks/tok/exists/trigger/${token}`, {}),
      401,
      'AuthenticationFailed',
    );
    expect((await stack.api('POST', `/hooks/tok/exists/trigger/${reset.body.token}`, {})).status).toBe(200);

    // a token is never written to the log, nor echoed in an error body
    const logged = JSON.stringify(stack.logs.lines);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(reset.body.token);
    const refused = await stack.api<{ requestInfo: { path: string; params: Record<string, string> } }>(
      'POST',
      `/hooks/tok/exists/trigger/${token}`,
    );
    expect(JSON.stringify(refused.body)).not.toContain(token);
  });

  it('a wrong token and an unknown hook give the same 401 and body', async () => {
    const wrong = 'A'.repeat(43);
    const strip = (body: unknown) => {
      const copy = structuredClone(body) as {
        requestInfo: Record<string, unknown> & { params: Record<string, string> };
      };
      delete copy.requestInfo.time;
      delete copy.requestInfo.path;
      delete copy.requestInfo.params.hookId;
      return copy;
    };
    const wrongToken = await stack.api('POST', `/hooks/tok/exists/trigger/${wrong}`, {});
    const unknownHook = await stack.api('POST', `/hooks/tok/absent/trigger/${wrong}`, {});
    expectError(wrongToken, 401, 'AuthenticationFailed');
    expectError(unknownHook, 401, 'AuthenticationFailed');
    expect(strip(unknownHook.body)).toEqual(strip(wrongToken.body));

    // Their timing (constant-time token check, no early answer for an unknown hook) is measured by
    // `npm run bench -- api` (bench/api.ts, trigger-token 401 medians), not asserted here.
  });
});

describe('paging', () => {
  const fired: string[] = [];
  beforeAll(async () => {
    await stack.api('PUT', '/hooks/page/many', hookBody(noopTask));
    for (let i = 0; i < 25; i++) {
      const res = await stack.api<Trigger>('POST', '/hooks/page/many/trigger', {});
      expect(res.status).toBe(200);
      fired.push(res.body.runId);
    }
    for (const runId of fired) await stack.waitForRunFinished(runId);
  }, 60_000);

  it('listLastFires: newest first, pages of `limit` joined by continuationToken, with each run’s own state', async () => {
    const seen: Array<Record<string, unknown>> = [];
    let token: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await lastFires('page/many', `?limit=10${token ? `&continuationToken=${token}` : ''}`);
      sizes.push(page.lastFires.length);
      seen.push(...page.lastFires);
      token = page.continuationToken;
    } while (token);
    expect(sizes.slice(0, 3)).toEqual([10, 10, 5]);
    expect(seen.map((f) => f.runId)).toEqual([...fired].reverse());
    for (const row of seen) {
      expect(row).toMatchObject({
        hookGroupId: 'page',
        hookId: 'many',
        firedBy: 'triggerHook',
        taskId: row.runId,
        result: 'success',
        error: '',
        runState: 'finished',
        runResult: 'succeeded',
        taskState: 'completed',
      });
      expect(Number.isNaN(Date.parse(row.time as string))).toBe(false);
    }
    const times = seen.map((f) => Date.parse(f.time as string));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const all = await lastFires('page/many', '?limit=1000');
    expect(all.lastFires).toHaveLength(25);
    expect(all.continuationToken).toBeUndefined();
  });

  it('GET /hooks/{g}/{h}/runs: newest first, paged the same way', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await stack.api(
        'GET',
        `/hooks/page/many/runs?limit=10${token ? `&continuationToken=${token}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = expectShape(listRunsResponseSchema, res.body);
      expect(page.runs.length).toBeLessThanOrEqual(10);
      for (const run of page.runs) expect(run).toMatchObject({ status: 'finished', result: 'succeeded' });
      seen.push(...page.runs.map((r) => r.runId));
      token = page.continuationToken;
    } while (token);
    expect(seen).toEqual([...fired].reverse());
  });

  it('limit is 1 to 1000, and a continuationToken must be one the service issued', async () => {
    for (const limit of ['0', '1001', 'ten', '-1', '1.5', '']) {
      expectError(
        await stack.api('GET', `/hooks/page/many/last-fires?limit=${limit}`),
        400,
        'InputError',
        /limit/,
      );
      expectError(await stack.api('GET', `/hooks/page/many/runs?limit=${limit}`), 400, 'InputError', /limit/);
    }
    const page = await lastFires('page/many', '?limit=10');
    const foreign = await stack.api<{ continuationToken: string }>('GET', '/hooks/page/many/runs?limit=10');
    for (const token of [
      'nonsense',
      '!!',
      Buffer.from('{}').toString('base64url'),
      Buffer.from('{"pk":"HOOK","sk":"page#many"}').toString('base64url'),
      foreign.body.continuationToken, // a runs token is not a last-fires token
    ]) {
      expectError(
        await stack.api('GET', `/hooks/page/many/last-fires?continuationToken=${token}`),
        400,
        'InputError',
        /continuationToken/,
      );
    }
    expectError(
      await stack.api('GET', `/hooks/tok/exists/last-fires?continuationToken=${page.continuationToken}`),
      400,
      'InputError',
      /continuationToken/,
    );
  });
});
