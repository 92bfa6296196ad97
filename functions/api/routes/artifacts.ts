import { Hono } from 'hono';
import { getRunArtifact, listRunArtifacts } from '../../app/runArtifacts.ts';
import { getRunRecord } from '../../app/runQueries.ts';
import type { Services } from '../../app/services.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/** A run's artifacts: the list, and one file (scope `hooks:get-artifact:<g>/<h>`). */
export function artifactRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.listArtifacts, async (c, { params, authorize }) => {
    const run = await getRunRecord(services, params.runId);
    await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
    return c.json({ artifacts: await listRunArtifacts(services, params.runId) });
  });

  route(app, endpoints.getArtifact, async (c, { params, authorize }) => {
    const run = await getRunRecord(services, params.runId);
    await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
    const { artifact, content } = await getRunArtifact(services, params.runId, params.artifact);
    if (content.kind === 'redirect') return c.redirect(content.url, 302);
    // A download, never a page of this origin: the file is whatever a command wrote.
    return new Response(content.body, {
      status: 200,
      headers: {
        'content-type': artifact.contentType,
        'content-length': String(content.size),
        'content-disposition': `attachment; filename="${artifact.name}"`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
        'x-hookline-sha256': artifact.sha256,
      },
    });
  });

  return app;
}
