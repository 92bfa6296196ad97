import { Hono } from 'hono';
import { getRunArtifact, listRunArtifacts } from '../../app/runArtifacts.ts';
import { getRunRecord } from '../../app/runQueries.ts';
import type { Services } from '../../app/services.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { runIdParam } from '../params.ts';

/** A run's artifacts: the list, and one file (scope `hooks:get-artifact:<g>/<h>`). */
export function artifactRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.get('/runs/:runId/artifacts', async (c) => {
    const runId = runIdParam(c);
    const run = await getRunRecord(services, runId);
    await authorize(c, `hooks:get-artifact:${run.hookGroupId}/${run.hookId}`);
    return c.json({ artifacts: await listRunArtifacts(services, runId) });
  });

  app.get('/runs/:runId/artifacts/:artifact', async (c) => {
    const runId = runIdParam(c);
    const run = await getRunRecord(services, runId);
    await authorize(c, `hooks:get-artifact:${run.hookGroupId}/${run.hookId}`);
    const { artifact, content } = await getRunArtifact(services, runId, c.req.param('artifact'));
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
