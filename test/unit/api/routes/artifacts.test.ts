import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../../../functions/api/endpoints/index.ts';
import { artifactRoutes } from '../../../../functions/api/routes/artifacts.ts';
import type { ArtifactStore } from '../../../../functions/ports/artifactStore.ts';
import { type ApiHarness, apiHarness, endpointContract, expectRoutes, hookBody } from '../apiHarness.ts';

/** functions/api/routes/artifacts.ts: a run's kept files, listed and downloaded. */

let h: ApiHarness;
let runId = '';
const runHook = { hookGroupId: 'g', hookId: 'a' };
const report = {
  name: 'report.html',
  path: 'out/report.html',
  size: 5,
  sha256: 'ab'.repeat(32),
  contentType: 'text/html',
  expiresAt: Date.parse('2031-01-01T00:00:00Z') / 1000,
};
beforeAll(async () => {
  h = await apiHarness();
  await h.call('PUT', '/hooks/g/a', { body: hookBody() });
  runId = (await h.call('POST', '/hooks/g/a/trigger', { body: {} })).body.runId;
  // as the step runner records what a step kept (functions/app/stepArtifacts.ts)
  await h.services.store.updateStep(runId, 0, { artifacts: [report] });
  h.services.artifacts = {
    read: async () => ({ kind: 'stream', body: new Blob(['hello']).stream(), size: 5 }),
  } as unknown as ArtifactStore;
});
afterAll(async () => {
  await h?.close();
});

describe('artifact routes', () => {
  it('registers exactly its declared endpoints', () => {
    expectRoutes(artifactRoutes(h.services), [endpoints.listArtifacts, endpoints.getArtifact]);
  });

  endpointContract(() => h, endpoints.listArtifacts, {
    ok: {
      request: () => ({ path: `/runs/${runId}/artifacts` }),
      check: (a) =>
        expect(a.body.artifacts).toEqual([
          expect.objectContaining({
            name: 'report.html',
            index: 0,
            size: 5,
            expiresAt: '2031-01-01T00:00:00.000Z',
          }),
        ]),
    },
    bad: { request: () => ({ path: '/runs/x/artifacts' }), message: /runId "x" is not a run id/ },
    scopeVars: () => runHook,
  });

  endpointContract(() => h, endpoints.getArtifact, {
    ok: {
      request: () => ({ path: `/runs/${runId}/artifacts/report.html` }),
      check: (a) => {
        expect([a.status, a.text]).toEqual([200, 'hello']);
        expect(a.headers.get('content-disposition')).toBe('attachment; filename="report.html"');
        expect(a.headers.get('x-hookline-sha256')).toBe(report.sha256);
      },
    },
    bad: {
      request: () => ({ path: `/runs/${runId}/artifacts/.hidden` }),
      message: /".hidden" is not an artifact name/,
    },
    scopeVars: () => runHook,
  });

  it('an artifact the run did not keep is a 404 naming it', async () => {
    const res = await h.call('GET', `/runs/${runId}/artifacts/other.txt`);
    expect([res.status, res.body.message]).toEqual([
      404,
      `run ${runId} has no artifact other.txt (or it expired)`,
    ]);
  });
});
