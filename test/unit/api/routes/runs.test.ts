import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { runRoutes } from '../../../../functions/api/routes/runs.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/runs.ts: a run, its steps' output, cancel, rerun, a hook's runs and fires. */

let h: ApiHarness;
let runId = '';
const fire = async (g = 'g', id = 'r') =>
  (await h.call('POST', `/hooks/${g}/${id}/trigger`, { body: {} })).body.runId;
const runHook = { hookGroupId: 'g', hookId: 'r' };
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/r', { body: hookBody() });
  await h.call('PUT', '/hooks/other/r', { body: hookBody() });
  runId = await fire();
  await fire('other');
});
afterAll(async () => {
  await h?.close();
});

describe('run routes', () => {
  it('registers exactly its declared endpoints', () => {
    const { listRecentRuns, run, stepOutput, cancelRun, rerun, listRuns, listLastFires } = endpoints;
    expectRoutes(runRoutes(h.services), [
      listRecentRuns,
      run,
      stepOutput,
      cancelRun,
      rerun,
      listRuns,
      listLastFires,
    ]);
  });

  endpointContract(() => h, endpoints.listRecentRuns, {
    ok: {
      request: () => ({ path: '/runs?hookGroupId=g' }),
      check: (a) => {
        expect(a.status, a.text).toBe(200);
        expect(a.body.runs.map((r: { runId: string }) => r.runId)).toContain(runId);
        expect(a.body.runs.every((r: { hookGroupId: string }) => r.hookGroupId === 'g')).toBe(true);
      },
    },
    bad: { request: () => ({ path: '/runs?status=sleeping' }), message: /status "sleeping" is not valid/ },
  });

  it('listRecentRuns lists only the runs of hooks the caller holds hooks:get-run for', async () => {
    const reader = await h.clientWith(['hooks:get-run:g/*']);
    const res = await h.call('GET', '/runs', { credentials: reader });
    const groups = new Set(res.body.runs.map((r: { hookGroupId: string }) => r.hookGroupId));
    expect([...groups]).toEqual(['g']);
  });

  endpointContract(() => h, endpoints.run, {
    ok: {
      request: () => ({ path: `/runs/${runId}` }),
      check: (a) => expect([a.status, a.body.runId, a.body.hookId]).toEqual([200, runId, 'r']),
    },
    bad: { request: () => ({ path: '/runs/x' }), message: /runId "x" is not a run id/ },
    scopeVars: () => runHook,
  });

  endpointContract(() => h, endpoints.stepOutput, {
    ok: {
      request: () => ({ path: `/runs/${runId}/steps/0/output?stdoutOffset=0` }),
      check: (a) => expect([a.status, a.body.runId, a.body.index]).toEqual([200, runId, 0]),
    },
    bad: { request: () => ({ path: `/runs/${runId}/steps/-1/output` }), message: /step index "-1"/ },
    scopeVars: () => runHook,
  });

  endpointContract(() => h, endpoints.cancelRun, {
    ok: {
      request: async () => ({ path: `/runs/${await fire()}/cancel` }),
      check: async (a) => {
        expect([a.status, a.body.status]).toEqual([200, 'pending']);
        // the run's engine stops it: the stop is requested on the stored run
        expect((await h.services.store.getRun(a.body.runId))?.stopRequested).toBe('cancelled');
      },
    },
    bad: {
      request: () => ({ path: '/runs/AAAAAAAAAAAAAAAAAAAAAA/cancel' }),
      status: 404,
      message: /AAAAAAAAAAAAAAAAAAAAAA/,
    },
    scopeVars: () => runHook,
  });

  endpointContract(() => h, endpoints.rerun, {
    ok: {
      request: () => ({ path: `/runs/${runId}/rerun` }),
      check: (a) => {
        expect(a.status, a.text).toBe(200);
        expect(a.body.runId).not.toBe(runId);
        expect(h.started).toContain(a.body.runId);
      },
    },
    bad: { request: () => ({ path: '/runs/x%20y/rerun' }), message: /runId "x y" is not a run id/ },
    scopeVars: () => runHook,
  });

  endpointContract(() => h, endpoints.listRuns, {
    ok: {
      request: () => ({ path: '/hooks/g/r/runs' }),
      check: (a) => expect(a.body.runs.map((r: { runId: string }) => r.runId)).toContain(runId),
    },
    bad: {
      request: () => ({ path: '/hooks/g/r/runs?continuationToken=%21%21' }),
      message: /continuationToken is not one this service issued/,
    },
  });

  endpointContract(() => h, endpoints.listLastFires, {
    ok: {
      request: () => ({ path: '/hooks/g/r/last-fires?limit=1' }),
      check: (a) => {
        expect(a.body.lastFires).toHaveLength(1);
        expect(a.body.lastFires[0]).toMatchObject({
          hookGroupId: 'g',
          hookId: 'r',
          firedBy: expect.any(String),
        });
      },
    },
    bad: {
      request: () => ({ path: '/hooks/g/r/last-fires?limit=1001' }),
      message: /limit must be a whole number/,
    },
  });
});
