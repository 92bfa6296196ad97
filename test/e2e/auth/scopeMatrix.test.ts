import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../../functions/api/app.ts';
import { isPublicRoute } from '../../../functions/api/auth/publicRoutes.ts';
import { DASHBOARD_PAGES } from '../../../functions/api/routes/dashboard.ts';
import type { Credentials } from '../../../functions/app/clients.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * Every endpoint × {no credentials, wrong credentials, a client without the scope, a client with
 * exactly the scope, a client with a wildcard scope}, asserting the status each time. The rows are
 * held against the app's own route table, so an endpoint added without a row fails here.
 */

type Case = 'exact' | 'wildcard';

interface Row {
  /** The scope the endpoint needs (per case, where the path differs); null for a public endpoint. */
  scope: string | ((k: Case) => string) | null;
  /** The path (relative to the API prefix) with its parameters filled in. */
  path: (k: Case) => string;
  /** The status a caller holding the scope (or anyone, for a public endpoint) gets. */
  ok: number;
  body?: unknown;
  /** Runs (as root) before each request that should get through. */
  prepare?: (k: Case) => Promise<void>;
  /** The scope filters what the answer holds instead of refusing: without it the status is still `ok`. */
  filters?: true;
}

const G = 'mx';
const H = 'h1';
const task = { task: { name: 'noop', command: ['true'] } };
const hookType = { description: 'matrix', events: { run: task } };
/** What a client with only `hooks:modify-hook:…` may define: no command step (test/auth/runCommandsScope.test.ts). */
const eventTask = { task: { name: 'noop', event: { source: 'matrix', detailType: 'noop', detail: {} } } };

let stack: TestStack;
let runId = '';
let triggerToken = 'set-before-use';

const put = async (path: string, body: unknown = undefined, method = 'PUT') => {
  const res = await stack.api(method, path, body);
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

const rows: Record<string, Row> = {
  'GET /openapi.json': { scope: null, path: () => '/openapi.json', ok: 200 },
  'GET /ping': { scope: null, path: () => '/ping', ok: 200 },
  'GET /schedule-preview': {
    scope: null,
    path: () => '/schedule-preview?expression=rate(5%20minutes)',
    ok: 200,
  },
  'POST /hooks/:hookGroupId/:hookId/trigger/:token': {
    scope: null,
    path: () => `/hooks/${G}/${H}/trigger/${triggerToken}`,
    ok: 200,
    body: {},
    prepare: async () => {
      triggerToken = ((await put(`/hooks/${G}/${H}/token`, undefined, 'GET')).body as { token: string })
        .token;
    },
  },

  'GET /hooks': { scope: 'hooks:list-hooks:', path: () => '/hooks', ok: 200 },
  'GET /hooks/:hookGroupId': { scope: `hooks:list-hooks:${G}`, path: () => `/hooks/${G}`, ok: 200 },
  'GET /hooks/:hookGroupId/:hookId': {
    scope: `hooks:get:${G}:${H}`,
    path: () => `/hooks/${G}/${H}`,
    ok: 200,
  },
  'PUT /hooks/:hookGroupId/:hookId': {
    scope: (k) => `hooks:modify-hook:${G}/new-${k}`,
    path: (k) => `/hooks/${G}/new-${k}`,
    body: hookBody(eventTask),
    ok: 200,
  },
  'POST /hooks/:hookGroupId/:hookId': {
    scope: `hooks:modify-hook:${G}/${H}`,
    path: () => `/hooks/${G}/${H}`,
    body: hookBody(eventTask),
    ok: 200,
  },
  'DELETE /hooks/:hookGroupId/:hookId': {
    scope: (k) => `hooks:modify-hook:${G}/gone-${k}`,
    path: (k) => `/hooks/${G}/gone-${k}`,
    ok: 200,
    prepare: async (k) => void (await put(`/hooks/${G}/gone-${k}`, hookBody(task))),
  },
  'GET /hooks/:hookGroupId/:hookId/status': {
    scope: `hooks:status:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/status`,
    ok: 200,
  },
  'GET /hooks/:hookGroupId/:hookId/token': {
    scope: `hooks:get-trigger-token:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/token`,
    ok: 200,
  },
  'POST /hooks/:hookGroupId/:hookId/token': {
    scope: `hooks:reset-trigger-token:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/token`,
    ok: 200,
  },
  'GET /hooks/:hookGroupId/:hookId/history': {
    scope: `hooks:get:${G}:${H}`,
    path: () => `/hooks/${G}/${H}/history`,
    ok: 200,
  },
  'POST /hooks/:hookGroupId/:hookId/trigger': {
    scope: `hooks:trigger-hook:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/trigger`,
    body: {},
    ok: 200,
  },
  'GET /hooks/:hookGroupId/:hookId/runs': {
    scope: `hooks:get-run:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/runs`,
    ok: 200,
  },
  'GET /hooks/:hookGroupId/:hookId/last-fires': {
    scope: `hooks:list-last-fires:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/last-fires`,
    ok: 200,
  },
  'GET /hooks/:hookGroupId/:hookId/signing-secret': {
    scope: `hooks:get-signing-secret:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/signing-secret`,
    ok: 200,
  },
  'POST /hooks/:hookGroupId/:hookId/signing-secret': {
    scope: `hooks:reset-signing-secret:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/signing-secret`,
    ok: 200,
  },
  'POST /events/match': {
    scope: 'hooks:list-hooks:',
    path: () => '/events/match',
    body: { event: { source: 'matrix', 'detail-type': 'x', detail: {} } },
    ok: 200,
  },
  'POST /hooks/:hookGroupId/:hookId/reconcile': {
    scope: `hooks:modify-hook:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/reconcile`,
    ok: 200,
  },
  'PUT /hooks/:hookGroupId/:hookId/config/:key': {
    scope: `hooks:modify-hook:${G}/cfg`,
    path: () => `/hooks/${G}/cfg/config/colour`,
    body: { value: 'red' },
    ok: 200,
  },
  'DELETE /hooks/:hookGroupId/:hookId/config/:key': {
    scope: `hooks:modify-hook:${G}/cfg`,
    path: () => `/hooks/${G}/cfg/config/size`,
    ok: 200,
    prepare: async () => void (await put(`/hooks/${G}/cfg/config/size`, { value: 3 })),
  },

  'GET /runs/:runId': { scope: `hooks:get-run:${G}/${H}`, path: () => `/runs/${runId}`, ok: 200 },
  // runs across hooks: needs credentials; the scope decides which runs are listed (test/api/recentRunsAndRender.test.ts)
  'GET /runs': { scope: `hooks:get-run:${G}/${H}`, path: () => '/runs', ok: 200, filters: true },
  // the fixture run has finished: the stream replays it and closes
  'GET /runs/:runId/events': {
    scope: `hooks:get-run:${G}/${H}`,
    path: () => `/runs/${runId}/events`,
    ok: 200,
  },
  'POST /runs/:runId/events/ticket': {
    scope: `hooks:get-run:${G}/${H}`,
    path: () => `/runs/${runId}/events/ticket`,
    ok: 200,
  },
  'POST /hooks/:hookGroupId/:hookId/render': {
    scope: `hooks:trigger-hook:${G}/${H}`,
    path: () => `/hooks/${G}/${H}/render`,
    body: {},
    ok: 200,
  },
  'POST /render': {
    scope: (k) => `hooks:modify-hook:${G}/render-${k}`,
    path: () => '/render',
    body: {
      hook: { metadata: { name: 'n', description: 'd', owner: 'o@example.com' }, task },
      hookGroupId: G,
      hookId: 'render-exact',
    },
    ok: 200,
  },
  'GET /runs/:runId/steps/:index/output': {
    scope: `hooks:get-run:${G}/${H}`,
    path: () => `/runs/${runId}/steps/0/output`,
    ok: 200,
  },
  'GET /runs/:runId/artifacts': {
    scope: `hooks:get-artifact:${G}/${H}`,
    path: () => `/runs/${runId}/artifacts`,
    ok: 200,
  },
  // The fixture run kept no files: a caller with the scope gets past authorization to the 404.
  'GET /runs/:runId/artifacts/:artifact': {
    scope: `hooks:get-artifact:${G}/${H}`,
    path: () => `/runs/${runId}/artifacts/report.html`,
    ok: 404,
  },
  // The fixture run has finished: a caller with the scope gets past authorization to the 409.
  'POST /runs/:runId/cancel': {
    scope: `hooks:cancel-run:${G}/${H}`,
    path: () => `/runs/${runId}/cancel`,
    ok: 409,
  },
  'POST /runs/:runId/rerun': {
    scope: `hooks:trigger-hook:${G}/${H}`,
    path: () => `/runs/${runId}/rerun`,
    ok: 200,
    // The run's job has a command step: the hook must (again) have been last changed by a client
    // holding hooks:run-commands (root), since the POST row's client without it changed the hook.
    prepare: async () => {
      await put(`/hooks/${G}/${H}`, hookBody(task), 'POST');
    },
  },

  'GET /hook-types': { scope: 'hooks:list-hook-types', path: () => '/hook-types', ok: 200 },
  'GET /hook-types/:name': {
    scope: 'hooks:get-hook-type:mx-type',
    path: () => '/hook-types/mx-type',
    ok: 200,
  },
  'PUT /hook-types/:name': {
    scope: 'hooks:modify-hook-type:mx-type',
    path: () => '/hook-types/mx-type',
    body: hookType,
    ok: 200,
  },
  'DELETE /hook-types/:name': {
    scope: (k) => `hooks:modify-hook-type:mx-gone-${k}`,
    path: (k) => `/hook-types/mx-gone-${k}`,
    ok: 200,
    prepare: async (k) => void (await put(`/hook-types/mx-gone-${k}`, hookType)),
  },

  'GET /clients': { scope: 'auth:list-clients', path: () => '/clients', ok: 200 },
  'GET /clients/:clientId': { scope: 'auth:get-client:mx-target', path: () => '/clients/mx-target', ok: 200 },
  'GET /clients/:clientId/history': {
    scope: 'auth:get-client:mx-target',
    path: () => '/clients/mx-target/history',
    ok: 200,
  },
  'PUT /clients/:clientId': {
    scope: (k) => `auth:create-client:mx-made-${k}`,
    path: (k) => `/clients/mx-made-${k}`,
    body: { description: 'made by the matrix' },
    ok: 200,
  },
  'POST /clients/:clientId': {
    scope: 'auth:update-client:mx-target',
    path: () => '/clients/mx-target',
    body: { description: 'updated by the matrix' },
    ok: 200,
  },
  'POST /clients/:clientId/reset': {
    scope: 'auth:reset-access-token:mx-target',
    path: () => '/clients/mx-target/reset',
    ok: 200,
  },
  'POST /clients/:clientId/disable': {
    scope: 'auth:disable-client:mx-target',
    path: () => '/clients/mx-target/disable',
    ok: 200,
  },
  'POST /clients/:clientId/enable': {
    scope: 'auth:enable-client:mx-target',
    path: () => '/clients/mx-target/enable',
    ok: 200,
  },
  'DELETE /clients/:clientId': {
    scope: (k) => `auth:delete-client:mx-victim-${k}`,
    path: (k) => `/clients/mx-victim-${k}`,
    ok: 200,
    prepare: async (k) => void (await stack.api('PUT', `/clients/mx-victim-${k}`, {})), // 200, or 409 when it exists
  },
};

/** Routes outside the API prefix; each needs a decision about authentication (asserted below). */
const OUTSIDE_API: Record<string, string> = {
  'POST /':
    'the local EventBridge-compatible endpoint (PutEvents, TestEventPattern): see eventBridgeAuth.test.ts',
  // The dashboard's pages, assets and sign-in hint are public: the API calls they make need scopes.
  ...Object.fromEntries(DASHBOARD_PAGES.map((page) => [`GET ${page}`, 'a dashboard page: test/browser/'])),
  'GET /assets/:file': 'the dashboard build: test/browser/',
  'GET /dashboard.json': 'the sign-in hint, no token: test/browser/, test/api/dashboard.test.ts',
};

/** `hooks:get:mx:h1` → `hooks:get:mx:*`; `auth:list-clients` → `auth:*`. */
function wildcardOf(scope: string): string {
  if (scope.endsWith(':')) return `${scope}*`;
  const cut = Math.max(scope.lastIndexOf(':'), scope.lastIndexOf('/'));
  return `${scope.slice(0, cut + 1)}*`;
}

const clientsByScopes = new Map<string, Credentials>();
let serial = 0;
async function clientWith(scopes: string[]): Promise<Credentials> {
  const key = JSON.stringify(scopes);
  const known = clientsByScopes.get(key);
  if (known) return known;
  const clientId = `mx-caller-${++serial}`;
  const res = await put(`/clients/${clientId}`, { scopes });
  const credentials = { clientId, accessToken: (res.body as { accessToken: string }).accessToken };
  clientsByScopes.set(key, credentials);
  return credentials;
}

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  await put(`/hooks/${G}/${H}`, hookBody(task));
  await put(`/hooks/${G}/cfg`, hookBody(task));
  await put('/clients/mx-target', { scopes: [] });
  await put('/hook-types/mx-type', hookType);
  const fired = await put(`/hooks/${G}/${H}/trigger`, {}, 'POST');
  runId = (fired.body as { runId: string }).runId;
  await stack.waitForRunFinished(runId);
});
afterAll(async () => {
  await stack?.cleanup();
});

describe('the matrix covers every endpoint', () => {
  it('has a row for every route of the app, and no row without a route', () => {
    const routes = new Set<string>();
    for (const route of stack.app.routes) {
      if (route.method === 'ALL') continue; // middleware (`use`); endpoints are registered per method
      if (!route.path.startsWith(`${API_PREFIX}/`)) {
        expect(
          OUTSIDE_API,
          `route ${route.method} ${route.path} outside the API has no decision`,
        ).toHaveProperty(`${route.method} ${route.path}`);
        continue;
      }
      routes.add(`${route.method} ${route.path.slice(API_PREFIX.length)}`);
    }
    const missing = [...routes].filter((r) => !(r in rows));
    const stale = Object.keys(rows).filter((r) => !routes.has(r));
    expect(missing, 'endpoints without a matrix row').toEqual([]);
    expect(stale, 'matrix rows without an endpoint').toEqual([]);
  });

  it('marks exactly the public endpoints (auth/publicRoutes.ts) as needing no scope', () => {
    for (const [key, row] of Object.entries(rows)) {
      const method = key.split(' ')[0]!;
      expect(isPublicRoute(method, row.path('exact').split('?')[0]!), key).toBe(row.scope === null);
    }
  });
});

describe.each(Object.entries(rows))('%s', (_key, row) => {
  const method = _key.split(' ')[0]!;
  const scopeFor = (k: Case) => (typeof row.scope === 'function' ? row.scope(k) : row.scope);
  const send = (credentials: Credentials | null, k: Case = 'exact') =>
    stack.apiAs<{ code?: string; message?: string }>(credentials, method, row.path(k), row.body);

  it('no credentials', async () => {
    if (row.prepare) await row.prepare('exact');
    const res = await send(null);
    if (row.scope === null) expect(res.status, JSON.stringify(res.body)).toBe(row.ok);
    else expect([res.status, res.body.code]).toEqual([401, 'AuthenticationFailed']);
  });

  it('wrong credentials', async () => {
    if (row.prepare) await row.prepare('exact');
    const wrong = { clientId: stack.rootCredentials.clientId, accessToken: 'A'.repeat(43) };
    const res = await send(wrong);
    if (row.scope === null) expect(res.status, JSON.stringify(res.body)).toBe(row.ok);
    else expect([res.status, res.body.code]).toEqual([401, 'AuthenticationFailed']);
  });

  it('a client without the scope', async () => {
    if (row.prepare) await row.prepare('exact');
    const res = await send(await clientWith(['hooks:unrelated:*', 'auth:unrelated']));
    if (row.scope === null || row.filters) {
      expect(res.status, JSON.stringify(res.body)).toBe(row.ok);
      return;
    }
    expect([res.status, res.body.code]).toEqual([403, 'InsufficientScopes']);
    expect(res.body.message).toContain(scopeFor('exact'));
  });

  it('a client with exactly the scope', async () => {
    if (row.prepare) await row.prepare('exact');
    const scope = scopeFor('exact');
    const res = await send(await clientWith(scope === null ? [] : [scope]), 'exact');
    expect(res.status, JSON.stringify(res.body)).toBe(row.ok);
  });

  it('a client with a wildcard scope', async () => {
    if (row.prepare) await row.prepare('wildcard');
    const scope = scopeFor('wildcard');
    const res = await send(await clientWith(scope === null ? ['*'] : [wildcardOf(scope)]), 'wildcard');
    expect(res.status, JSON.stringify(res.body)).toBe(row.ok);
  });
});

it('the wildcard of a scope is a real wildcard (a sanity check of the matrix itself)', () => {
  expect(wildcardOf('hooks:get:mx:h1')).toBe('hooks:get:mx:*');
  expect(wildcardOf('hooks:modify-hook:mx/h1')).toBe('hooks:modify-hook:mx/*');
  expect(wildcardOf('auth:list-clients')).toBe('auth:*');
  expect(wildcardOf('hooks:list-hooks:')).toBe('hooks:list-hooks:*');
});
