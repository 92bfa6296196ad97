import { describe, expect, it } from 'vitest';
import { compileRoutes, encodedRequestPath } from '../../../../functions/adapters/aws/apiGatewayPath.ts';
import { allowAll, createApiApp } from '../../../../functions/api/app.ts';

/**
 * The request path as the client sent it (functions/adapters/aws/apiGatewayPath.ts): an HTTP API hands
 * the function a decoded path, in which a hook or client id holding `/` spans several segments; it is
 * rebuilt, encoded as Taskcluster clients encode it, from the app's own routes.
 */
const p = '/api/hooks/v1';
const apiRoutes = compileRoutes(
  createApiApp({} as never, { authorizer: allowAll, clients: {} as never }).routes,
);

describe('compileRoutes', () => {
  it('keeps only routes with an id that may hold "/", once each, and no wildcards', () => {
    const compiled = compileRoutes([
      { method: 'GET', path: '/hooks/:hookGroupId/:hookId/status' },
      { method: 'GET', path: '/hooks/:hookGroupId/:hookId/status' },
      { method: 'PUT', path: '/clients/:clientId' },
      { method: 'GET', path: '/runs/:runId' },
      { method: 'ALL', path: '/hooks/:hookId/*' },
      { method: 'GET', path: '/ping' },
    ]);
    expect(compiled).toEqual([
      { method: 'GET', segments: ['', 'hooks', ':hookGroupId', ':hookId', 'status'], spanning: 3 },
      { method: 'PUT', segments: ['', 'clients', ':clientId'], spanning: 2 },
    ]);
  });

  it('finds such routes in the API app', () => {
    for (const route of apiRoutes) expect([':hookId', ':clientId']).toContain(route.segments[route.spanning]);
    expect(apiRoutes.some((r) => r.segments.join('/') === `${p}/hooks/:hookGroupId/:hookId`)).toBe(true);
    expect(apiRoutes.some((r) => r.segments.join('/') === `${p}/clients/:clientId`)).toBe(true);
  });
});

describe('encodedRequestPath over the API’s routes', () => {
  it('re-encodes a decoded hook id, whatever follows it', () => {
    expect(encodedRequestPath('GET', `${p}/hooks/g/a/b/c/status`, apiRoutes)).toBe(
      `${p}/hooks/g/a%2Fb%2Fc/status`,
    );
    expect(encodedRequestPath('GET', `${p}/hooks/g/a/b/c`, apiRoutes)).toBe(`${p}/hooks/g/a%2Fb%2Fc`);
    expect(encodedRequestPath('POST', `${p}/hooks/g/a/b/trigger/tok`, apiRoutes)).toBe(
      `${p}/hooks/g/a%2Fb/trigger/tok`,
    );
    expect(encodedRequestPath('PUT', `${p}/hooks/g/a/b/config/key`, apiRoutes)).toBe(
      `${p}/hooks/g/a%2Fb/config/key`,
    );
  });

  it('leaves an encoded path, and a path with no id that may hold "/", as they are', () => {
    expect(encodedRequestPath('GET', `${p}/hooks/g/a%2Fb%2Fc/status`, apiRoutes)).toBe(
      `${p}/hooks/g/a%2Fb%2Fc/status`,
    );
    expect(encodedRequestPath('GET', `${p}/runs/abc/steps/1/output`, apiRoutes)).toBe(
      `${p}/runs/abc/steps/1/output`,
    );
    expect(encodedRequestPath('GET', `${p}/nothing/here`, apiRoutes)).toBe(`${p}/nothing/here`);
    expect(encodedRequestPath('GET', `${p}/hooks/g/plain`, apiRoutes)).toBe(`${p}/hooks/g/plain`);
  });

  it('encodes a client id as encodeURIComponent does ("/" and "@" included)', () => {
    const id = 'team/ci@example.com';
    expect(encodedRequestPath('PUT', `${p}/clients/${id}`, apiRoutes)).toBe(
      `${p}/clients/${encodeURIComponent(id)}`,
    );
    expect(encodedRequestPath('GET', `${p}/clients/${id}`, apiRoutes)).toBe(
      `${p}/clients/team%2Fci%40example.com`,
    );
  });

  it('keeps %XX escapes that arrive inside a partly decoded id', () => {
    expect(encodedRequestPath('GET', `${p}/hooks/g/a%2Fb/c`, apiRoutes)).toBe(`${p}/hooks/g/a%2Fb%2Fc`);
  });

  it('decoded, an id ending in an endpoint’s name is the endpoint (the documented limit)', () => {
    expect(encodedRequestPath('GET', `${p}/hooks/g/nightly/status`, apiRoutes)).toBe(
      `${p}/hooks/g/nightly/status`,
    );
    // No PUT …/status endpoint: the whole rest is the id.
    expect(encodedRequestPath('PUT', `${p}/hooks/g/nightly/status`, apiRoutes)).toBe(
      `${p}/hooks/g/nightly%2Fstatus`,
    );
  });

  it('routes HEAD as GET, and reads the method in any case', () => {
    expect(encodedRequestPath('HEAD', `${p}/hooks/g/a/b`, apiRoutes)).toBe(`${p}/hooks/g/a%2Fb`);
    expect(encodedRequestPath('get', `${p}/hooks/g/a/b`, apiRoutes)).toBe(`${p}/hooks/g/a%2Fb`);
  });

  it('never joins empty segments into an id', () => {
    expect(encodedRequestPath('GET', `${p}/hooks/g//b`, apiRoutes)).toBe(`${p}/hooks/g//b`);
    expect(encodedRequestPath('GET', `${p}/hooks/g/a/`, apiRoutes)).toBe(`${p}/hooks/g/a/`);
    expect(encodedRequestPath('GET', `${p}/hooks//a/b`, apiRoutes)).toBe(`${p}/hooks//a/b`);
  });
});

describe('encodedRequestPath over given routes', () => {
  const routes = compileRoutes([
    { method: 'GET', path: '/h/:hookId' },
    { method: 'GET', path: '/h/:hookId/runs/:runId' },
    { method: 'ALL', path: '/c/:clientId/any' },
  ]);

  it('prefers the route whose spanning id takes the fewest segments', () => {
    expect(encodedRequestPath('GET', '/h/a/b/runs/r1', routes)).toBe('/h/a%2Fb/runs/r1');
    expect(encodedRequestPath('GET', '/h/a/runs/r1', routes)).toBe('/h/a/runs/r1');
    expect(encodedRequestPath('GET', '/h/a/b/runs', routes)).toBe('/h/a%2Fb%2Fruns');
  });

  it('matches an ALL route for any method, and no route of another method', () => {
    expect(encodedRequestPath('DELETE', '/c/x/y/any', routes)).toBe('/c/x%2Fy/any');
    expect(encodedRequestPath('POST', '/h/a/b', routes)).toBe('/h/a/b');
  });
});
