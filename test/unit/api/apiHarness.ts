import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { expect, it } from 'vitest';
import { API_PREFIX, createApiApp } from '../../../functions/api/app.ts';
import { createAuthorizer } from '../../../functions/api/auth/authorizer.ts';
import type { ApiEnv } from '../../../functions/api/authorization.ts';
import {
  type EndpointDeclaration,
  fillScope,
  isPublic,
  routerPath,
  scopeOf,
} from '../../../functions/api/endpoint.ts';
import {
  BOOTSTRAP_ACTOR,
  type ClientContext,
  type Credentials,
  createClient,
  ensureRootClient,
} from '../../../functions/app/clients.ts';
import { DEFAULT_SETTINGS, type Services } from '../../../functions/app/services.ts';
import { openStores } from '../../../infra/local/stores.ts';
import { type InProcessServices, inProcessServices } from '../app/inProcessServices.ts';

/**
 * The whole HTTP application in this process, as `npm start` builds it but without a server: the
 * in-process services (test/unit/app/inProcessServices.ts), clients in SQLite `:memory:` (as the
 * local stack opens it, infra/local/stores.ts), the real authorizer (Bearer), and `app.request` for
 * requests. The clock is the services' settable one.
 */
export interface ApiHarness extends InProcessServices {
  app: Hono<ApiEnv>;
  clients: ClientContext;
  root: Credentials;
  /** A request to the API (path relative to /api/hooks/v1) as `credentials` (root by default; null: none). */
  call(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      rawBody?: string;
      credentials?: Credentials | null;
      headers?: Record<string, string>;
    },
  ): Promise<Answer>;
  /** A client holding exactly these scopes (made once per list). */
  clientWith(scopes: string[]): Promise<Credentials>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields its endpoint answers with
  body: any;
  text: string;
}

export async function apiHarness(): Promise<ApiHarness> {
  const base = await inProcessServices();
  // event streams end once they have sent something (as behind API Gateway), so a request returns
  const services: Services = {
    ...base.services,
    settings: {
      ...DEFAULT_SETTINGS,
      eventStreams: { ...DEFAULT_SETTINGS.eventStreams, endAfterNewEvents: true },
    },
  };
  // the local stack's client store, SQLite in memory
  const stores = await openStores({ store: 'sqlite', dataDir: null, clock: base.clock });
  const clients: ClientContext = {
    store: stores.clients,
    clock: base.clock,
    logger: base.logs,
    accessTokenKey: randomBytes(32),
  };
  const root = await ensureRootClient(clients);
  if (!root) throw new Error('a new client store has no root client yet');
  const app = createApiApp(services, {
    authorizer: createAuthorizer({ clients, rateLimit: false }),
    clients,
  });
  const made = new Map<string, Credentials>();
  let serial = 0;

  const call: ApiHarness['call'] = async (method, path, options = {}) => {
    const credentials = options.credentials === undefined ? root : options.credentials;
    const headers: Record<string, string> = { ...options.headers };
    if (credentials) headers.authorization = `Bearer ${credentials.clientId}:${credentials.accessToken}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await app.request(`${API_PREFIX}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: an event stream or a file
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    ...base,
    services,
    app,
    clients,
    root,
    call,
    clientWith: async (scopes) => {
      const key = JSON.stringify(scopes);
      const known = made.get(key);
      if (known) return known;
      const clientId = `caller-${++serial}`;
      const created = await createClient(clients, clientId, { scopes }, BOOTSTRAP_ACTOR);
      const credentials = { clientId, accessToken: created.accessToken };
      made.set(key, credentials);
      return credentials;
    },
    close: async () => {
      await stores.close();
      await base.close();
    },
  };
}

/** A minimal valid hook definition whose job runs nothing (an event step). */
export function hookBody(extra: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'test hook', description: 'a hook made by a test', owner: 'tests@example.com' },
    task: { task: { name: 'announce', event: { source: 'unit', detailType: 'fired', detail: {} } } },
    ...extra,
  };
}

/** One endpoint's request in a test: the path (relative to the API prefix) and what goes with it. */
export interface EndpointRequest {
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface EndpointCases {
  /** A request that succeeds, and what to check of the answer. */
  ok: {
    request: () => EndpointRequest | Promise<EndpointRequest>;
    check: (answer: Answer) => void | Promise<void>;
  };
  /** A request with bad input, and the 4xx that names the problem. */
  bad: { request: () => EndpointRequest | Promise<EndpointRequest>; status?: number; message: RegExp };
  /** The values that fill the scope template for the `ok` request (default: its path parameters). */
  scopeVars?: (request: EndpointRequest) => Record<string, string>;
}

/**
 * The tests every endpoint gets: success; a 4xx for bad input naming the problem; 401 without
 * credentials unless public; 403 naming the declared scope, filled in, for a client without it.
 */
export function endpointContract(
  harness: () => ApiHarness,
  declaration: EndpointDeclaration,
  cases: EndpointCases,
): void {
  const method = declaration.method.toUpperCase();
  const send = async (request: EndpointRequest, credentials?: Credentials | null) =>
    harness().call(method, request.path, { ...request, credentials });

  it(`${declaration.name}: succeeds`, async () => {
    await cases.ok.check(await send(await cases.ok.request()));
  });

  it(`${declaration.name}: bad input is a 4xx naming the problem`, async () => {
    const answer = await send(await cases.bad.request());
    expect(answer.status, answer.text).toBe(cases.bad.status ?? 400);
    expect(answer.body.message).toMatch(cases.bad.message);
    expect(answer.body.requestInfo.method).toBe(method);
  });

  if (isPublic(declaration)) {
    it(`${declaration.name}: needs no credentials`, async () => {
      const answer = await send(await cases.ok.request(), null);
      expect(answer.status, answer.text).not.toBe(401);
    });
    return;
  }

  it(`${declaration.name}: without credentials is a 401`, async () => {
    const answer = await send(await cases.ok.request(), null);
    expect([answer.status, answer.body.code]).toEqual([401, 'AuthenticationFailed']);
  });

  const template = scopeOf(declaration);
  if (template === undefined) return; // any caller: the filter scope is tested with the route
  it(`${declaration.name}: without ${template} is a 403 naming it`, async () => {
    const request = await cases.ok.request();
    const scope = fillScope(template, cases.scopeVars?.(request) ?? pathValues(declaration, request.path));
    const answer = await send(request, await harness().clientWith(['hooks:unrelated:*', 'auth:unrelated']));
    expect([answer.status, answer.body.code]).toEqual([403, 'InsufficientScopes']);
    expect(answer.body.message).toContain(`lacks the scope ${scope} `);
    // and the declared scope, filled in, is exactly what lets a client through
    const allowed = await send(request, await harness().clientWith([scope]));
    expect(allowed.status, allowed.text).not.toBe(403);
  });
}

/** The path parameters of a concrete path, by the declaration's template (decoded). */
function pathValues(declaration: EndpointDeclaration, path: string): Record<string, string> {
  const names = [...declaration.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] as string);
  const pattern = new RegExp(`^${declaration.path.replace(/\{[A-Za-z]+\}/g, '([^/?]+)')}(?:\\?|$)`);
  const found = pattern.exec(path);
  if (!found) throw new Error(`${path} is not a path of ${declaration.name}`);
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1] as string)]));
}

/** A route module registers exactly these declared endpoints, and nothing else. */
export function expectRoutes(module: Hono<ApiEnv>, declarations: EndpointDeclaration[]): void {
  const registered = module.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
  const declared = declarations.map((d) => `${d.method.toUpperCase()} ${routerPath(d.path)}`);
  expect(registered.sort()).toEqual(declared.sort());
}
