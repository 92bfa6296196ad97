import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRunsResponseSchema, renderResponseSchema } from '../../../functions/api/schemas.ts';
import type { Credentials } from '../../../functions/app/clients.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { expectError, expectShape } from './helpers.ts';

/**
 * Issue 13: GET /runs across hooks (filters, pages, and only what the caller may read), checking a
 * hook before it fires (the render endpoints, and create-time validation of the paths that need no
 * input), and an Idempotency-Key reused with another payload.
 */

let stack: TestStack;
const runIds: Record<string, string[]> = { 'rr/ok': [], 'rr/bad': [], 'other/ok': [] };
let middle = '';

async function fire(hook: string, payload: unknown = {}): Promise<string> {
  const res = await stack.api<{ runId: string }>('POST', `/hooks/${hook}/trigger`, payload);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await stack.waitForRunFinished(res.body.runId);
  return res.body.runId;
}

async function clientWith(clientId: string, scopes: string[]): Promise<Credentials> {
  const res = await stack.api<{ accessToken: string }>('PUT', `/clients/${clientId}`, { scopes });
  expect(res.status).toBe(200);
  return { clientId, accessToken: res.body.accessToken };
}

/** Every run GET /runs answers for `query`, following continuation tokens. */
async function allRuns(query: string, as?: Credentials) {
  const runs: Array<{ runId: string; hookGroupId: string; hookId: string; createdAt: string }> = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const path = `/runs?${query}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
    const res = as ? await stack.apiAs(as, 'GET', path) : await stack.api('GET', path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = expectShape(listRunsResponseSchema, res.body);
    runs.push(...page.runs);
    token = page.continuationToken;
    pages++;
  } while (token && pages < 100);
  return { runs, pages };
}

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  const ok = hookBody({ task: { name: 'ok', command: ['true'] } });
  for (const hook of ['rr/ok', 'other/ok'])
    expect((await stack.api('PUT', `/hooks/${hook}`, ok)).status).toBe(200);
  await stack.api('PUT', '/hooks/rr/bad', hookBody({ task: { name: 'fails', command: ['false'] } }));
  runIds['rr/ok']!.push(await fire('rr/ok'));
  runIds['rr/bad']!.push(await fire('rr/bad'));
  middle = new Date().toISOString();
  runIds['other/ok']!.push(await fire('other/ok'));
  runIds['rr/ok']!.push(await fire('rr/ok'));
});
afterAll(async () => {
  await stack?.cleanup();
});

describe('GET /runs', () => {
  it('lists runs across hooks, newest first', async () => {
    const { runs } = await allRuns('limit=100');
    expect(runs.map((r) => r.runId)).toEqual([
      runIds['rr/ok']![1],
      runIds['other/ok']![0],
      runIds['rr/bad']![0],
      runIds['rr/ok']![0],
    ]);
    const times = runs.map((r) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by hook group, hook, status, result, firedBy and time', async () => {
    const ids = async (query: string) => (await allRuns(query)).runs.map((r) => r.runId);
    expect(await ids('hookGroupId=rr')).toEqual([
      runIds['rr/ok']![1],
      runIds['rr/bad']![0],
      runIds['rr/ok']![0],
    ]);
    expect(await ids('hookGroupId=rr&hookId=ok')).toEqual([runIds['rr/ok']![1], runIds['rr/ok']![0]]);
    expect(await ids('hookId=ok')).toEqual([
      runIds['rr/ok']![1],
      runIds['other/ok']![0],
      runIds['rr/ok']![0],
    ]);
    expect(await ids('result=failed')).toEqual(runIds['rr/bad']);
    expect(await ids('status=finished&result=succeeded&hookGroupId=other')).toEqual(runIds['other/ok']);
    expect(await ids('status=running')).toEqual([]);
    expect(await ids('firedBy=schedule')).toEqual([]);
    expect(await ids('firedBy=triggerHook')).toHaveLength(4);
    expect(await ids(`since=${middle}`)).toEqual([runIds['rr/ok']![1], runIds['other/ok']![0]]);
    expect(await ids(`until=${middle}`)).toEqual([runIds['rr/bad']![0], runIds['rr/ok']![0]]);
    expect(await ids(`since=${middle}&until=${middle}`)).toEqual([]);
    expect(await ids(`hookGroupId=rr&hookId=ok&since=${middle}`)).toEqual([runIds['rr/ok']![1]]);
    // the same instant written with an offset
    const withOffset = new Date(Date.parse(middle)).toISOString().replace('Z', '+00:00');
    expect(await ids(`since=${encodeURIComponent(withOffset)}`)).toHaveLength(2);
  });

  it('pages with limit and continuationToken, each run once', async () => {
    const { runs, pages } = await allRuns('limit=1');
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(4);
    expect(runs).toHaveLength(4);
  });

  it('leaves out runs the caller may not read, on every page', async () => {
    const narrow = await clientWith('rr-reader', ['hooks:get-run:rr/ok']);
    const { runs } = await allRuns('limit=1', narrow);
    expect(runs.map((r) => r.runId)).toEqual([runIds['rr/ok']![1], runIds['rr/ok']![0]]);
    const group = await clientWith('rr-group-reader', ['hooks:get-run:rr/*']);
    expect((await allRuns('limit=2', group)).runs.map((r) => `${r.hookGroupId}/${r.hookId}`).sort()).toEqual([
      'rr/bad',
      'rr/ok',
      'rr/ok',
    ]);
    const none = await clientWith('rr-none', ['hooks:get-run:nothing/here']);
    expect((await allRuns('limit=1', none)).runs).toEqual([]);
    expect((await stack.apiAs(null, 'GET', '/runs')).status).toBe(401);
  });

  it('refuses bad filters and continuation tokens it did not issue', async () => {
    expectError(await stack.api('GET', '/runs?status=done'), 400, 'InputError', /status/);
    expectError(await stack.api('GET', '/runs?since=yesterday'), 400, 'InputError', /since/);
    expectError(await stack.api('GET', '/runs?hookGroupId=a%20b'), 400, 'InputError', /hookGroupId/);
    expectError(
      await stack.api('GET', '/runs?continuationToken=abc'),
      400,
      'InputError',
      /continuationToken/,
    );
    const forged = Buffer.from(
      JSON.stringify({ pk: 'RUN#x', sk: 'RUN', gsi2pk: 'RUNS', gsi2sk: 'x' }),
    ).toString('base64url');
    expectError(await stack.api('GET', `/runs?continuationToken=${forged}`), 400, 'InputError');
  });
});

describe('render endpoints', () => {
  const template = {
    $if: 'payload.go',
    then: { task: { name: 'greet', command: ['echo', { $eval: '"hello " + payload.who' }] } },
  };
  const triggerSchema = {
    type: 'object',
    properties: { go: { type: 'boolean', default: true }, who: { type: 'string', default: 'world' } },
    additionalProperties: false,
  };

  it('renders a stored hook for a firing context and runs nothing', async () => {
    expect(
      (await stack.api('PUT', '/hooks/render/greet', hookBody(template, { triggerSchema }))).status,
    ).toBe(200);
    const before = (await allRuns('hookGroupId=render')).runs.length;
    const res = await stack.api('POST', '/hooks/render/greet/render', { payload: { who: 'there' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(expectShape(renderResponseSchema, res.body)).toEqual({
      job: { task: { name: 'greet', command: ['echo', 'hello there'] } },
    });
    const declined = await stack.api('POST', '/hooks/render/greet/render', { payload: { go: false } });
    expect(declined.body).toEqual({ job: null });
    expectError(
      await stack.api('POST', '/hooks/render/greet/render', { payload: { who: 5 } }),
      400,
      'InputError',
      /who/,
    );
    expectError(
      await stack.api('POST', '/hooks/render/greet/render', { fired: 'x' }),
      400,
      'InputValidationError',
      /fired/,
    );
    expect((await allRuns('hookGroupId=render')).runs.length).toBe(before);
    expect((await stack.api('GET', '/hooks/render/greet/last-fires')).body).toMatchObject({ lastFires: [] });
    expectError(await stack.api('POST', '/hooks/render/missing/render', {}), 404, 'ResourceNotFound');
  });

  it('renders an unsaved definition; errors name the path in the template or the job', async () => {
    const ok = await stack.api('POST', '/render', { hook: hookBody(template, { triggerSchema }) });
    expect(ok.body).toEqual({ job: { task: { name: 'greet', command: ['echo', 'hello world'] } } });
    const scheduled = await stack.api('POST', '/render', {
      hook: hookBody({ task: { name: 'at', command: ['echo', { $eval: 'firedBy' }] } }),
      firedBy: 'schedule',
    });
    expect(scheduled.body).toEqual({ job: { task: { name: 'at', command: ['echo', 'schedule'] } } });
    const event = await stack.api('POST', '/render', {
      hook: hookBody(
        { task: { name: 'ev', command: ['echo', { $eval: 'event.source + ":" + str(payload.total)' }] } },
        {
          triggerSchema: { type: 'object' },
        },
      ),
      firedBy: 'event',
      event: { source: 'shop', 'detail-type': 'Order', detail: { total: 3 } },
    });
    expect(event.body).toEqual({ job: { task: { name: 'ev', command: ['echo', 'shop:3'] } } });

    const typo = await stack.api('POST', '/render', {
      hook: hookBody({ task: { name: 'x', comand: 'true' } }),
    });
    expectError(typo, 400, 'InputError', /unknown field\(s\) "comand"/);
    expect(typo.body).toMatchObject({ path: 'task.comand' });
    const broken = await stack.api('POST', '/render', {
      hook: hookBody({ task: { name: 'x', command: ['echo', { $eval: 'payload.a +' }] } }),
    });
    expectError(
      broken,
      400,
      'InputError',
      /^task template failed to render at task\.task\.command\[1\]\.\$eval: /,
    );
    expect((broken.body as { message: string }).message).not.toMatch(/TypeError|reading 'kind'/);
    expect(broken.body).toMatchObject({ path: 'task.task.command[1].$eval' });
  });

  it('needs hooks:trigger-hook for a stored hook and hooks:modify-hook for a definition', async () => {
    const reader = await clientWith('render-reader', ['hooks:get-run:render/*']);
    expectError(
      await stack.apiAs(reader, 'POST', '/hooks/render/greet/render', {}),
      403,
      'InsufficientScopes',
      /hooks:trigger-hook:render\/greet/,
    );
    expectError(
      await stack.apiAs(reader, 'POST', '/render', { hook: hookBody(template) }),
      403,
      'InsufficientScopes',
      /hooks:modify-hook:render\/render/,
    );
    const maker = await clientWith('render-maker', ['hooks:modify-hook:mine/*']);
    const own = await stack.apiAs(maker, 'POST', '/render', {
      hook: hookBody({ task: { name: 'x', command: ['true'] } }),
      hookGroupId: 'mine',
      hookId: 'one',
    });
    expect(own.status).toBe(200);
  });
});

describe('create-time validation', () => {
  it('refuses a definition whose job cannot be valid, naming the path: a typo, a timeout over the limit', async () => {
    const typo = await stack.api(
      'PUT',
      '/hooks/check/typo',
      hookBody({ task: { name: 'x', comand: 'true' } }),
    );
    expectError(typo, 400, 'InputError', /unknown field\(s\) "comand"/);
    expect(typo.body).toMatchObject({ path: 'task.comand' });
    const timeout = await stack.api(
      'PUT',
      '/hooks/check/timeout',
      hookBody({ tasks: [{ name: 'x', command: 'true', timeoutSeconds: 5000 }] }),
    );
    expectError(timeout, 400, 'InputError', /timeoutSeconds/);
    expect(timeout.body).toMatchObject({ path: 'tasks[0].timeoutSeconds' });
    expect((await stack.api('GET', '/hooks/check/typo')).status).toBe(404);
  });

  it('renders the schedule path with nothing from a caller: a template needing a payload is refused', async () => {
    const res = await stack.api(
      'PUT',
      '/hooks/check/scheduled',
      hookBody(
        { task: { name: 'x', command: ['echo', { $eval: 'payload.who' }] } },
        { schedule: ['0 3 * * *'] },
      ),
    );
    expectError(
      res,
      400,
      'InputError',
      /^fired by its schedule: task template failed to render at task\.task\.command\[1\]: unknown context value payload/,
    );
    expect(res.body).toMatchObject({ path: 'task.task.command[1]' });
  });

  it('renders each binding with its pattern’s values', async () => {
    const res = await stack.api(
      'PUT',
      '/hooks/check/bound',
      hookBody(
        { $if: 'payload.kind == "order"', then: { task: { name: 'x', command: 'true', colour: 'red' } } },
        { bindings: [{ source: ['shop'], detail: { kind: ['order'] } }], triggerSchema: { type: 'object' } },
      ),
    );
    expectError(res, 400, 'InputError', /^fired by bindings\[0\] .*unknown field\(s\) "colour"/);
    // a template reading a field the pattern does not give is not held against the hook
    const lenient = await stack.api(
      'PUT',
      '/hooks/check/bound-ok',
      hookBody(
        { task: { name: 'x', command: ['echo', { $eval: 'payload.order.id' }] } },
        { bindings: [{ source: ['shop'] }], triggerSchema: { type: 'object' } },
      ),
    );
    expect(lenient.status, JSON.stringify(lenient.body)).toBe(200);
  });

  it('updates are checked the same way', async () => {
    await stack.api('PUT', '/hooks/check/upd', hookBody({ task: { name: 'x', command: 'true' } }));
    const res = await stack.api(
      'POST',
      '/hooks/check/upd',
      hookBody({ task: { name: 'x', command: 'true', timeoutSeconds: 5000 } }),
    );
    expectError(res, 400, 'InputError', /timeoutSeconds/);
  });
});

describe('Idempotency-Key with another payload', () => {
  it('is a 409 naming the first run; the same payload returns the first run', async () => {
    await stack.api(
      'PUT',
      '/hooks/idem/h',
      hookBody({ task: { name: 'x', command: ['true'] } }, { triggerSchema: { type: 'object' } }),
    );
    const headers = { 'idempotency-key': 'deploy-42' };
    const first = await stack.api<{ runId: string }>(
      'POST',
      '/hooks/idem/h/trigger',
      { a: 1, b: 2 },
      headers,
    );
    expect(first.status).toBe(200);
    const again = await stack.api<{ runId: string; duplicate?: boolean }>(
      'POST',
      '/hooks/idem/h/trigger',
      { b: 2, a: 1 },
      headers,
    );
    expect(again.body).toMatchObject({ runId: first.body.runId, duplicate: true });
    const other = await stack.api('POST', '/hooks/idem/h/trigger', { a: 2 }, headers);
    expectError(other, 409, 'RequestConflict', new RegExp(`run ${first.body.runId}.*different payload`));
    await stack.waitForRunFinished(first.body.runId);
    expect((await allRuns('hookGroupId=idem')).runs).toHaveLength(1);
  });
});
