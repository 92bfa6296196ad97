import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Context } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../../functions/api/routes/dashboard.ts';
import { matchEventResponseSchema } from '../../../functions/api/schemas.ts';
import type { Credentials } from '../../../functions/app/clients.ts';
import { localDashboard } from '../../../infra/local/localDashboard.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/** POST /events/match, and the parts of serving the dashboard a browser does not show (test/browser/). */

let stack: TestStack;
let dataDir: string;
const task = { task: { name: 'noop', command: ['true'] } };
const event = {
  version: '0',
  id: 'e-1',
  source: 'shop.orders',
  'detail-type': 'Order Placed',
  account: '123456789012',
  time: '2030-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { total: 120, country: 'NL' },
};

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'hookline-dashboard-'));
  stack = await startTestStack({ dataDir });
  const put = async (g: string, h: string, bindings: unknown[]) => {
    const res = await stack.api('PUT', `/hooks/${g}/${h}`, hookBody(task, { bindings }));
    expect(res.status).toBe(200);
  };
  await put('shop', 'big-orders', [
    { source: ['billing'] },
    { source: ['shop.orders'], detail: { total: [{ numeric: ['>', 100] }] } },
  ]);
  await put('shop', 'dutch-orders', [{ detail: { country: ['NL'] } }]);
  await put('shop', 'refunds', [{ 'detail-type': ['Refund Issued'] }]);
  await put('ops', 'all-orders', [{ source: ['shop.orders'] }]);
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('POST /events/match', () => {
  it("names every hook whose binding matches, with the binding's place and pattern", async () => {
    const res = await stack.api('POST', '/events/match', { event });
    expect(res.status).toBe(200);
    const body = matchEventResponseSchema.parse(res.body);
    expect(body.matches.map((m) => [`${m.hookGroupId}/${m.hookId}`, m.bindingIndex])).toEqual([
      ['ops/all-orders', 0],
      ['shop/big-orders', 1],
      ['shop/dutch-orders', 0],
    ]);
    expect(body.matches[1]!.pattern).toEqual({
      source: ['shop.orders'],
      detail: { total: [{ numeric: ['>', 100] }] },
    });
    expect(body.matches[0]!.name).toBe('test hook');
  });

  it('matches nothing for an event no binding wants, and fires nothing', async () => {
    const res = await stack.api('POST', '/events/match', {
      event: { ...event, source: 'elsewhere', detail: {} },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ matches: [] });
    const runs = await stack.api<{ runs: unknown[] }>('GET', '/hooks/ops/all-orders/runs');
    expect(runs.body.runs).toEqual([]);
  });

  it('leaves out the hooks the caller may not read', async () => {
    const created = await stack.api<Credentials>('PUT', '/clients/shop-reader', {
      scopes: ['hooks:list-hooks:', 'hooks:get:shop:*'],
    });
    expect(created.status).toBe(200);
    const res = await stack.apiAs<{ matches: Array<{ hookGroupId: string }> }>(
      {
        clientId: 'shop-reader',
        accessToken: (created.body as unknown as { accessToken: string }).accessToken,
      },
      'POST',
      '/events/match',
      { event },
    );
    expect(res.status).toBe(200);
    expect(res.body.matches.map((m) => m.hookGroupId)).toEqual(['shop', 'shop']);
  });

  it.each([
    [undefined, /event/],
    [{}, /event/],
    [{ event: 'text' }, /event/],
    [{ event: [] }, /event/],
    [{ event, extra: 1 }, /extra|unrecognized/i],
  ])('refuses the body %j with 400 naming the problem', async (body, problem) => {
    const res = await stack.api<{ code: string; message: string }>('POST', '/events/match', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('InputError');
    expect(res.body.message).toMatch(problem);
  });
});

describe('serving the dashboard', () => {
  it('tells a browser on this machine where the root credentials are, never the token', async () => {
    const res = await fetch(`${stack.url}/dashboard.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      eventBridgeEndpoint: true,
      credentialsFile: path.join(dataDir, 'credentials.json'),
    });
    expect(text).not.toContain(stack.rootCredentials.accessToken);
  });

  it('tells a browser elsewhere nothing about the credentials', () => {
    const options = localDashboard('/secret/place/credentials.json');
    const fromAfar = {
      env: { incoming: { socket: { remoteAddress: '10.1.2.3', remotePort: 5000, remoteFamily: 'IPv4' } } },
    } as unknown as Context;
    const fromHere = {
      env: {
        incoming: { socket: { remoteAddress: '::ffff:127.0.0.1', remotePort: 5000, remoteFamily: 'IPv6' } },
      },
    } as unknown as Context;
    expect(options.config(fromAfar)).toEqual({ eventBridgeEndpoint: true });
    expect(options.config(fromHere).credentialsFile).toBe('/secret/place/credentials.json');
  });

  it('answers its pages with how to build it when there is no build', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'hookline-no-dashboard-'));
    try {
      const app = dashboardRoutes({ distDir: empty, config: () => ({ eventBridgeEndpoint: false }) });
      for (const page of ['/', '/hooks/g/h', '/runs']) {
        const res = await app.request(page);
        expect(res.status).toBe(503);
        expect(await res.text()).toContain('npm run build:dashboard');
      }
      expect((await app.request('/assets/app-ABC.js')).status).toBe(404);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
