import { Hono } from 'hono';
import { cancelRun, rerun } from '../../app/controlRuns.ts';
import { listLastFires } from '../../app/hookFires.ts';
import { getHook } from '../../app/manageHooks.ts';
import { listRecentRuns } from '../../app/recentRuns.ts';
import { getRunRecord, getRunStatus, getStepOutput } from '../../app/runQueries.ts';
import type { Services } from '../../app/services.ts';
import type { RunFilter } from '../../ports/store.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';
import { triggerResponse } from './triggers.ts';

/** Hookline's run endpoints: status, steps' output, cancel, rerun, a hook's runs and last fires. */
export function runRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.listRecentRuns, async (c, { query, holds }) => {
    const { limit, continuationToken, ...given } = query;
    const filter: Record<string, string> = {};
    for (const [name, value] of Object.entries(given)) {
      if (value === undefined) continue;
      // times compare as stored (Date.toISOString), whatever offset the caller wrote
      filter[name] = name === 'since' || name === 'until' ? new Date(value).toISOString() : value;
    }
    const page = await listRecentRuns(services, filter as RunFilter, { limit, continuationToken }, (g, h) =>
      holds({ hookGroupId: g, hookId: h }),
    );
    return c.json({
      runs: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  route(app, endpoints.run, async (c, { params, authorize }) => {
    const run = await getRunRecord(services, params.runId);
    await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
    return c.json(await getRunStatus(services, params.runId));
  });

  route(app, endpoints.stepOutput, async (c, { params, query, authorize }) => {
    const run = await getRunRecord(services, params.runId);
    await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
    return c.json(await getStepOutput(services, params.runId, params.index, query));
  });

  route(app, endpoints.cancelRun, async (c, { params, authorize }) => {
    const run = await getRunRecord(services, params.runId);
    await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
    await cancelRun(services, run);
    return c.json(await getRunStatus(services, params.runId));
  });

  route(app, endpoints.rerun, async (c, { params, authorize }) => {
    const run = await getRunRecord(services, params.runId);
    const caller = await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
    return c.json(triggerResponse(await rerun(services, run, caller.clientId)));
  });

  route(app, endpoints.listRuns, async (c, { params, query }) => {
    await getHook(services, params.hookGroupId, params.hookId);
    const page = await services.store.listRuns(params.hookGroupId, params.hookId, query);
    return c.json({
      runs: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  route(app, endpoints.listLastFires, async (c, { params, query }) =>
    c.json(await listLastFires(services, await getHook(services, params.hookGroupId, params.hookId), query)),
  );

  return app;
}
