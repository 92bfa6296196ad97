import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DASHBOARD_CSP,
  DASHBOARD_PAGES,
  dashboardRoutes,
} from '../../../../functions/api/routes/dashboard.ts';

/**
 * Serving the web dashboard (functions/api/routes/dashboard.ts) from its build, dashboard/dist
 * (`npm ci` builds it; `npm run build:dashboard`): the pages of its router answer index.html, hashed
 * assets are cached for a year with their content type, nothing outside the build is reachable.
 */
const DIST = path.resolve('dashboard/dist');
if (!existsSync(path.join(DIST, 'index.html')))
  throw new Error(
    'dashboard/dist is not built: run `npm run build:dashboard` (npm ci runs it) before this test',
  );
const indexHtml = readFileSync(path.join(DIST, 'index.html'));
const assetNames = [...indexHtml.toString('utf8').matchAll(/"\/assets\/([^"]+)"/g)].map((m) => m[1]!);
const app = dashboardRoutes({
  distDir: DIST,
  config: (c) => ({ eventBridgeEndpoint: c.req.header('x-test-endpoint') === 'yes' }),
});

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function scratchDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookline-dashboard-dist-'));
  scratch.push(dir);
  return dir;
}

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

describe('the dashboard’s pages', () => {
  const pages = DASHBOARD_PAGES.map((p) => p.replace('*', 'ops/nightly%2Fbackup'));

  it.each(pages)('%s answers index.html, revalidated on every load', async (page) => {
    const res = await app.request(page);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectSecurityHeaders(res);
    expect(Buffer.from(await res.arrayBuffer()).equals(indexHtml)).toBe(true);
  });

  it('a path the dashboard’s router does not own is a 404, not index.html', async () => {
    for (const page of ['/nope', '/hooksx', '/index.html', '/api/hooks/v1/ping', '/runs.json'])
      expect((await app.request(page)).status, page).toBe(404);
  });

  it('the CSP lets the page load only its own scripts, styles and API', () => {
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
  });
});

describe('the built assets', () => {
  it('the build links a script and a style sheet', () => {
    expect(assetNames.some((n) => n.endsWith('.js'))).toBe(true);
    expect(assetNames.some((n) => n.endsWith('.css'))).toBe(true);
  });

  it.each([
    ['.js', 'text/javascript; charset=utf-8'],
    ['.css', 'text/css; charset=utf-8'],
    ['.js.map', 'application/json; charset=utf-8'],
  ])('%s: its bytes, with its content type, cached for a year as immutable', async (ext, type) => {
    const linked = assetNames.find((n) => n.endsWith(ext.replace('.map', ''))) as string;
    const name = ext.endsWith('.map') ? `${linked}.map` : linked;
    const res = await app.request(`/assets/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(res);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(DIST, 'assets', name)))).toBe(
      true,
    );
  });

  it('an asset that is not in the build is a 404 that is not cached', async () => {
    const res = await app.request('/assets/app-NOSUCHHASH.js');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('no such dashboard asset\n');
    expect(res.headers.get('cache-control')).toBeNull();
  });
});

describe('nothing outside the build’s assets is served', () => {
  // A build with a file beside it that must stay unreachable.
  function buildWithSecret() {
    const root = scratchDir();
    const dist = path.join(root, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(path.join(dist, 'assets', 'app-AAAA.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'assets', 'notes.txt'), 'a file of a type the dashboard does not serve');
    writeFileSync(path.join(root, 'secret.js'), 'SECRET');
    return dashboardRoutes({ distDir: dist, config: () => ({ eventBridgeEndpoint: false }) });
  }

  it.each([
    '/assets/..%2Fsecret.js',
    '/assets/..%2F..%2Fsecret.js',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.js',
    '/assets/..%5C..%5Csecret.js',
    '/assets/.%2E/.%2E/secret.js',
    '/assets/%2Fetc%2Fpasswd',
    '/assets/.env.js',
    '/assets/app-AAAA.js%00.png',
    '/assets/notes.txt',
    '/assets/index.html',
  ])('%s is a 404', async (request) => {
    const res = await buildWithSecret().request(request);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('SECRET');
  });

  it('while the asset itself is served', async () => {
    const res = await buildWithSecret().request('/assets/app-AAAA.js');
    expect([res.status, await res.text()]).toEqual([200, 'console.log(1)']);
  });
});

describe('dashboard.json', () => {
  it('answers what this server tells the sign-in screen, per request, never cached', async () => {
    const res = await app.request('/dashboard.json', { headers: { 'x-test-endpoint': 'yes' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectSecurityHeaders(res);
    expect(await res.json()).toEqual({ eventBridgeEndpoint: true });
    expect(await (await app.request('/dashboard.json')).json()).toEqual({ eventBridgeEndpoint: false });
  });
});

describe('without a build', () => {
  it('the pages answer 503 saying how to build it, uncached; the build is found once it exists', async () => {
    const dist = scratchDir();
    const routes = dashboardRoutes({ distDir: dist, config: () => ({ eventBridgeEndpoint: false }) });
    for (const page of ['/', '/hooks/g/h', '/runs']) {
      const res = await routes.request(page);
      expect(res.status).toBe(503);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain('Run `npm run build:dashboard`');
    }
    expect((await routes.request('/assets/app-ABC.js')).status).toBe(404);

    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>built</title>');
    const built = await routes.request('/');
    expect([built.status, await built.text()]).toEqual([200, '<!doctype html><title>built</title>']);
  });

  it('a file once read is kept: a build replaced under a running server serves what it first read', async () => {
    const dist = scratchDir();
    writeFileSync(path.join(dist, 'index.html'), 'first');
    const routes = dashboardRoutes({ distDir: dist, config: () => ({ eventBridgeEndpoint: false }) });
    expect(await (await routes.request('/')).text()).toBe('first');
    writeFileSync(path.join(dist, 'index.html'), 'second');
    expect(await (await routes.request('/sign-in')).text()).toBe('first');
  });
});
