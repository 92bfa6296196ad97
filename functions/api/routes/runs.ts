import { type Context, Hono } from 'hono';
import type * as z from 'zod';
import { inputError } from '../../core/errors.ts';
import { missingScopes } from '../../core/scopes.ts';
import type { RunFilter } from '../../ports/store.ts';
import { listRecentRuns } from '../../app/recentRuns.ts';
import { recentRunsQuery } from '../schemas.ts';
import { cancelRun, rerun } from '../../app/controlRuns.ts';
import { listLastFires } from '../../app/hookFires.ts';
import { getHook } from '../../app/manageHooks.ts';
import { getRunRecord, getRunStatus, getStepOutput } from '../../app/runQueries.ts';
import type { Services } from '../../app/services.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { pageRequest } from '../pagination.ts';
import { hookParams, offsetQuery, runIdParam, stepIndexParam } from '../params.ts';
import { triggerResponse } from './triggers.ts';

/** Hookline's run endpoints: status, steps' output, cancel, rerun, a hook's runs and last fires. */
export function runRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.get('/runs', async (c) => {
    const caller = await authorize(c);
    const filter = recentRunsFilter(c);
    const page = await listRecentRuns(services, filter, pageRequest(c), (g, h) =>
      canReadRun(caller.scopes, g, h),
    );
    return c.json({
      runs: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  app.get('/runs/:runId', async (c) => {
    const runId = runIdParam(c);
    const run = await getRunRecord(services, runId);
    await authorize(c, `hooks:get-run:${run.hookGroupId}/${run.hookId}`);
    return c.json(await getRunStatus(services, runId));
  });

  app.get('/runs/:runId/steps/:index/output', async (c) => {
    const runId = runIdParam(c);
    const index = stepIndexParam(c);
    const run = await getRunRecord(services, runId);
    await authorize(c, `hooks:get-run:${run.hookGroupId}/${run.hookId}`);
    const offsets = {
      stdoutOffset: offsetQuery(c, 'stdoutOffset'),
      stderrOffset: offsetQuery(c, 'stderrOffset'),
    };
    return c.json(await getStepOutput(services, runId, index, offsets));
  });

  app.post('/runs/:runId/cancel', async (c) => {
    const runId = runIdParam(c);
    const run = await getRunRecord(services, runId);
    await authorize(c, `hooks:cancel-run:${run.hookGroupId}/${run.hookId}`);
    await cancelRun(services, run);
    return c.json(await getRunStatus(services, runId));
  });

  app.post('/runs/:runId/rerun', async (c) => {
    const runId = runIdParam(c);
    const run = await getRunRecord(services, runId);
    const caller = await authorize(c, `hooks:trigger-hook:${run.hookGroupId}/${run.hookId}`);
    return c.json(triggerResponse(await rerun(services, run, caller.clientId)));
  });

  app.get('/hooks/:hookGroupId/:hookId/runs', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:get-run:${hookGroupId}/${hookId}`);
    await getHook(services, hookGroupId, hookId);
    const page = await services.store.listRuns(hookGroupId, hookId, pageRequest(c));
    return c.json({
      runs: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  app.get('/hooks/:hookGroupId/:hookId/last-fires', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:list-last-fires:${hookGroupId}/${hookId}`);
    return c.json(
      await listLastFires(services, await getHook(services, hookGroupId, hookId), pageRequest(c)),
    );
  });

  return app;
}

/** Whether scopes allow reading a hook's runs (`hooks:get-run:<g>/<h>`). */
function canReadRun(scopes: string[], hookGroupId: string, hookId: string): boolean {
  return missingScopes(scopes, [`hooks:get-run:${hookGroupId}/${hookId}`]).length === 0;
}

/** GET /runs's filters from the query string, each checked (a 400 names the one that is wrong). */
function recentRunsFilter(c: Context): RunFilter {
  const filter: Record<string, string> = {};
  for (const [name, schema] of Object.entries(recentRunsQuery)) {
    const raw = c.req.query(name);
    if (raw === undefined) continue;
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (!parsed.success)
      throw inputError(`${name} "${raw.slice(0, 100)}" is not valid: ${parsed.error.issues[0]?.message}`);
    // times compare as stored (Date.toISOString), whatever offset the caller wrote
    filter[name] = name === 'since' || name === 'until' ? new Date(raw).toISOString() : raw;
  }
  return filter as RunFilter;
}
