import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { API_PREFIX, allowAll, createApiApp } from '../../../functions/api/app.ts';
import { endpointAt, isPublicRoute, opensWithTicket } from '../../../functions/api/auth/publicRoutes.ts';
import {
  type EndpointDeclaration,
  endpoint,
  fillScope,
  pathParams,
  routerPath,
  scopeOf,
  templateVars,
} from '../../../functions/api/endpoint.ts';
import * as clients from '../../../functions/api/endpoints/clients.ts';
import * as events from '../../../functions/api/endpoints/events.ts';
import * as hooks from '../../../functions/api/endpoints/hooks.ts';
import * as hookTypes from '../../../functions/api/endpoints/hookTypes.ts';
import { ENDPOINT_LIST, endpoints } from '../../../functions/api/endpoints/index.ts';
import * as runs from '../../../functions/api/endpoints/runs.ts';
import * as service from '../../../functions/api/endpoints/service.ts';
import * as triggers from '../../../functions/api/endpoints/triggers.ts';
import { hookIdParam, MAX_HOOK_KEY_LENGTH, pageQuery } from '../../../functions/api/endpoints/inputs.ts';
import type { ClientContext } from '../../../functions/app/clients.ts';
import type { Services } from '../../../functions/app/services.ts';

/** The declaration table (functions/api/endpoints/) and what the app derives from it to route and authenticate. */

const app = createApiApp({} as Services, { authorizer: allowAll, clients: {} as ClientContext });
const routed = app.routes
  .filter((r) => r.method !== 'ALL' && r.path.startsWith(`${API_PREFIX}/`))
  .map((r) => `${r.method} ${r.path.slice(API_PREFIX.length)}`);
const key = (d: EndpointDeclaration) => `${d.method.toUpperCase()} ${routerPath(d.path)}`;
/** A path of the declaration with every parameter filled. */
const sample = (d: EndpointDeclaration) => d.path.replace(/\{[A-Za-z]+\}/g, 'x');

describe('the declaration table', () => {
  it('every declared endpoint is routed, once, and every route of the API is declared', () => {
    expect([...routed].sort()).toEqual(ENDPOINT_LIST.map(key).sort());
    expect(new Set(routed).size).toBe(routed.length);
  });

  it('lists every declaration of every resource module, and only those', () => {
    const declared = [clients, events, hooks, hookTypes, runs, service, triggers].flatMap((m) =>
      Object.values(m),
    );
    expect(declared.length).toBe(ENDPOINT_LIST.length);
    for (const declaration of declared) expect(ENDPOINT_LIST).toContain(declaration);
  });

  it('names are unique, and each is the key it is listed under', () => {
    const names = ENDPOINT_LIST.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const [name, declaration] of Object.entries(endpoints)) expect(declaration.name).toBe(name);
  });

  it("declares exactly its path's parameters", () => {
    for (const declaration of ENDPOINT_LIST)
      expect(Object.keys(declaration.params ?? {}).sort(), declaration.name).toEqual(
        pathParams(declaration.path).sort(),
      );
  });

  it("fills every scope template's vars: from the path, or from the run or body the handler reads", () => {
    for (const declaration of ENDPOINT_LIST) {
      const params = Object.keys(declaration.params ?? {});
      const supplied = templateVars(scopeOf(declaration) ?? '').filter((v) => !params.includes(v));
      if (supplied.length === 0) continue;
      // a run's endpoints name its hook; POST /render the hook in its body
      const fromRun = params.includes('runId') ? ['hookGroupId', 'hookId'] : [];
      const body = declaration.body?.schema as z.ZodObject | undefined;
      const fromBody = Object.keys(body?.shape ?? {});
      for (const name of supplied)
        expect([...fromRun, ...fromBody], `${declaration.name} <${name}>`).toContain(name);
    }
  });

  it('filter scopes name a hook, which the handler supplies per item', () => {
    const filtered = ENDPOINT_LIST.filter((d) => !('public' in d.auth) && d.auth.filter);
    expect(filtered.map((d) => d.name).sort()).toEqual(['listRecentRuns', 'matchEvent']);
    for (const d of filtered)
      expect(templateVars(('filter' in d.auth && d.auth.filter) || '')).toEqual(['hookGroupId', 'hookId']);
  });

  it('a ticket is a declared query parameter', () => {
    for (const declaration of ENDPOINT_LIST) {
      if ('public' in declaration.auth || !declaration.auth.ticket) continue;
      expect(Object.keys(declaration.query ?? {}), declaration.name).toContain(declaration.auth.ticket);
    }
  });

  it('keeps the scopes Taskcluster clients know', () => {
    expect(scopeOf(endpoints.triggerHook)).toBe('hooks:trigger-hook:<hookGroupId>/<hookId>');
    expect(scopeOf(endpoints.hook)).toBe('hooks:get:<hookGroupId>:<hookId>');
    expect(scopeOf(endpoints.listHookGroups)).toBe('hooks:list-hooks:');
    expect(fillScope('hooks:get:<hookGroupId>:<hookId>', { hookGroupId: 'g', hookId: 'a/b' })).toBe(
      'hooks:get:g:a/b',
    );
    expect(() => fillScope('hooks:get:<hookGroupId>', {})).toThrow(/no value for <hookGroupId>/);
  });
});

describe('who needs credentials, derived from the declarations', () => {
  it('each declaration is the one its paths address (no public pattern shadows another)', () => {
    for (const declaration of ENDPOINT_LIST)
      expect(endpointAt(declaration.method, sample(declaration))?.name, declaration.name).toBe(
        declaration.name,
      );
  });

  it('the public endpoints are ping, openapi.json, the schedule preview and triggerHookWithToken', () => {
    expect(
      ENDPOINT_LIST.filter((d) => 'public' in d.auth)
        .map((d) => d.name)
        .sort(),
    ).toEqual(['openApi', 'ping', 'schedulePreview', 'triggerHookWithToken']);
    for (const declaration of ENDPOINT_LIST)
      expect(isPublicRoute(declaration.method, sample(declaration)), declaration.name).toBe(
        'public' in declaration.auth,
      );
  });

  it('a path or method no endpoint has is not public', () => {
    expect(isPublicRoute('GET', '/ping/')).toBe(false);
    expect(isPublicRoute('POST', '/schedule-preview')).toBe(false);
    expect(isPublicRoute('GET', '/schedule-preview/x')).toBe(false);
    expect(isPublicRoute('POST', '/hooks/g//trigger/t')).toBe(false);
    expect(isPublicRoute('HEAD', '/openapi.json')).toBe(true);
    expect(isPublicRoute('GET', '/openapiXjson')).toBe(false);
  });

  it('only the run event stream opens with a ticket, and only when it carries one', () => {
    const query = (token?: string) => (name: string) => (name === 'token' ? token : undefined);
    expect(opensWithTicket('GET', '/runs/r1/events', query('t'))).toBe(true);
    expect(opensWithTicket('GET', '/runs/r1/events', query())).toBe(false);
    expect(opensWithTicket('GET', '/runs/r1', query('t'))).toBe(false);
    expect(opensWithTicket('POST', '/runs/r1/events/ticket', query('t'))).toBe(false);
  });
});

describe('the inputs the endpoints share', () => {
  it('hookGroupId and hookId together fit a DynamoDB sort key', () => {
    expect(hookIdParam.together?.({ hookGroupId: 'g', hookId: 'h' })).toBeUndefined();
    expect(hookIdParam.together?.({ hookGroupId: 'g'.repeat(600), hookId: 'h'.repeat(600) })).toBe(
      `hookGroupId and hookId are together at most ${MAX_HOOK_KEY_LENGTH} characters (they are 1200)`,
    );
  });

  it('limit reads whole numbers only', () => {
    const { limit } = pageQuery;
    const read = (raw: string) => limit.schema.safeParse(limit.fromText?.(raw)).success;
    expect([read('1'), read('1000'), read('0'), read('1001'), read('1e3'), read('2.5'), read('')]).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('endpoint() keeps a declaration as written', () => {
    const declared = endpoint({
      name: 'x',
      method: 'get',
      path: '/x',
      summary: 's',
      tag: 'service',
      auth: { public: 'test' },
      response: { schema: endpoints.ping.response.schema },
    });
    expect(declared.auth).toEqual({ public: 'test' });
  });
});
