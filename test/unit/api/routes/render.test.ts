import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { renderRoutes } from '../../../../functions/api/routes/render.ts';
import {
  type ApiHarness,
  apiHarness,
  endpointContract,
  type EndpointRequest,
  expectRoutes,
  hookBody,
} from '../apiHarness.ts';

/** functions/api/routes/render.ts: rendering a stored hook or an unsaved definition, running nothing. */

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/tpl', { body: hookBody() });
});
afterAll(async () => {
  await h?.close();
});

describe('render routes', () => {
  it('registers exactly its declared endpoints', () => {
    expectRoutes(renderRoutes(h.services), [endpoints.renderHook, endpoints.renderDefinition]);
  });

  endpointContract(() => h, endpoints.renderHook, {
    ok: {
      request: () => ({ path: '/hooks/g/tpl/render' }),
      check: (a) => {
        expect(a.status, a.text).toBe(200);
        expect(JSON.stringify(a.body.job)).toContain('announce');
        expect(h.started).toEqual([]);
      },
    },
    bad: {
      request: () => ({ path: '/hooks/g/tpl/render', body: { firedBy: 'telepathy' } }),
      message: /invalid render request: firedBy/,
    },
  });

  endpointContract(() => h, endpoints.renderDefinition, {
    ok: {
      request: () => ({ path: '/render', body: { hook: hookBody(), hookGroupId: 'g', hookId: 'draft' } }),
      check: (a) => expect(JSON.stringify(a.body.job)).toContain('announce'),
    },
    bad: {
      request: () => ({ path: '/render', body: { hookGroupId: 'g' } }),
      message: /invalid render request: hook/,
    },
    // the scope that would create the hook named in the body
    scopeVars: (request: EndpointRequest) => {
      const body = request.body as { hookGroupId: string; hookId: string };
      return { hookGroupId: body.hookGroupId, hookId: body.hookId };
    },
  });

  it('renderDefinition without ids checks the scope of render/render', async () => {
    const res = await h.call('POST', '/render', {
      body: { hook: hookBody() },
      credentials: await h.clientWith(['hooks:modify-hook:g/*']),
    });
    expect([res.status, res.body.message]).toEqual([
      403,
      expect.stringContaining('hooks:modify-hook:render/render'),
    ]);
  });
});
