import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { ApiEnv, Authorizer } from '../../../functions/api/authorization.ts';
import { endpoint } from '../../../functions/api/endpoint.ts';
import { errorResponse } from '../../../functions/api/errors.ts';
import { hookPath, pageQuery, runIdParam } from '../../../functions/api/endpoints/inputs.ts';
import { route } from '../../../functions/api/route.ts';

/**
 * functions/api/route.ts: an endpoint registered by its declaration gets checked input, its body on
 * demand, and exactly its declared scope checked — filled from the path, or from what the handler supplies.
 */

const response = { schema: z.object({}) };
const statusOf = endpoint({
  name: 'statusOf',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}/thing',
  summary: 's',
  tag: 'hooks',
  auth: { scope: 'hooks:thing:<hookGroupId>/<hookId>' },
  params: hookPath,
  query: pageQuery,
  body: { schema: z.strictObject({ n: z.int().default(1) }), what: 'thing', whenEmpty: {} },
  response,
});
const runThing = endpoint({
  name: 'runThing',
  method: 'get',
  path: '/runs/{runId}/thing',
  summary: 's',
  tag: 'runs',
  auth: { scope: 'hooks:run-thing:<hookGroupId>/<hookId>' },
  params: { runId: runIdParam },
  response,
});

/** An app whose authorizer records the scopes asked for and refuses any not in `held`. */
function appWith(held: string[], register: (app: Hono<ApiEnv>) => void) {
  const asked: string[][] = [];
  const authorizer: Authorizer = async (_c, required) => {
    asked.push(required);
    const missing = required.filter((s) => !held.includes(s));
    if (missing.length) throw Object.assign(new Error(`lacks ${missing}`), { status: 403 });
    return { clientId: 'c', scopes: held };
  };
  const app = new Hono<ApiEnv>();
  app.use('*', async (c, next) => {
    c.set('authorize', authorizer);
    await next();
  });
  app.onError((error, c) =>
    'status' in error ? c.json({ message: error.message }, 403) : errorResponse(c, error),
  );
  register(app);
  const call = async (method: string, path: string, body?: string) => {
    const res = await app.request(path, { method, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { asked, call };
}

describe('route()', () => {
  it('hands the handler checked params, query with defaults, and the body with its defaults', async () => {
    const { call, asked } = appWith(['hooks:thing:g/a/b'], (app) =>
      route(app, statusOf, async (c, input) => {
        await input.authorize();
        return c.json({
          params: input.params,
          query: input.query,
          body: await input.body(),
          sent: await input.sentBody(),
        });
      }),
    );
    const res = await call('POST', '/hooks/g/a%2Fb/thing?limit=5');
    expect(res).toEqual({
      status: 200,
      body: { params: { hookGroupId: 'g', hookId: 'a/b' }, query: { limit: 5 }, body: { n: 1 }, sent: {} },
    });
    expect(asked).toEqual([['hooks:thing:g/a/b']]);
  });

  it('checks the path before the scope, and the scope before the handler', async () => {
    let ran = false;
    const { call, asked } = appWith([], (app) =>
      route(app, statusOf, (c) => {
        ran = true;
        return c.json({});
      }),
    );
    expect((await call('POST', '/hooks/bad!/a/thing')).body.message).toMatch(/hookGroupId "bad!" must match/);
    expect(asked).toEqual([]);
    expect(await call('POST', '/hooks/g/a/thing')).toEqual({
      status: 403,
      body: { message: 'lacks hooks:thing:g/a' },
    });
    expect(ran).toBe(false);
  });

  it('refuses bad query and body values with a 400 naming them', async () => {
    const { call } = appWith(['hooks:thing:g/a'], (app) =>
      route(app, statusOf, async (c, input) => c.json(await input.body())),
    );
    expect((await call('POST', '/hooks/g/a/thing?limit=abc')).body.message).toBe(
      'limit must be a whole number from 1 to 1000',
    );
    expect((await call('POST', '/hooks/g/a/thing', '{"n": "x"}')).body).toMatchObject({
      code: 'InputValidationError',
      message: expect.stringMatching(/^invalid thing: n: /),
    });
  });

  it("fills the scope's other vars from what the handler supplies; path values cannot be replaced", async () => {
    const { call, asked } = appWith(['hooks:run-thing:g/h'], (app) =>
      route(app, runThing, async (c, input) => {
        await input.authorize({ hookGroupId: 'g', hookId: 'h' });
        return c.json({});
      }),
    );
    expect((await call('GET', '/runs/AAAAAAAAAAAA/thing')).status).toBe(200);
    expect(asked).toEqual([['hooks:run-thing:g/h']]);
  });

  it('a handler that answers without checking its scope is a 500, not an answer', async () => {
    const { call } = appWith(['*'], (app) => route(app, runThing, (c) => c.json({ secret: true })));
    const res = await call('GET', '/runs/AAAAAAAAAAAA/thing');
    expect([res.status, res.body.code]).toEqual([500, 'InternalServerError']);
  });
});
