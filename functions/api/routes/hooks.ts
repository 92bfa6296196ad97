import { Hono } from 'hono';
import { notFound } from '../../core/errors.ts';
import { nextScheduledDate } from '../../app/hookStatus.ts';
import {
  createHook,
  getHook,
  removeHook,
  resetTriggerToken,
  triggerTokenFor,
  updateHook,
} from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { listFiresOfHook } from '../../app/hookFires.ts';
import type { HookRecord } from '../../ports/store.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { pageRequest } from '../pagination.ts';
import { hookParams } from '../params.ts';
import { readJsonBody } from '../requestBody.ts';

/** Taskcluster's hook management endpoints: list, get, create, update, remove, status, tokens, history. */
export function hookRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.get('/hooks', async (c) => {
    await authorize(c, 'hooks:list-hooks:');
    return c.json({ groups: await services.store.listHookGroups() });
  });

  app.get('/hooks/:hookGroupId', async (c) => {
    const { hookGroupId } = hookParams(c, false);
    await authorize(c, `hooks:list-hooks:${hookGroupId}`);
    const hooks = await services.store.listHooks(hookGroupId);
    if (hooks.length === 0) throw notFound(`no hooks in group ${hookGroupId}`);
    return c.json({ hooks: hooks.map((h) => h.definition) });
  });

  app.get('/hooks/:hookGroupId/:hookId', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:get:${hookGroupId}:${hookId}`);
    return c.json((await getHook(services, hookGroupId, hookId)).definition);
  });

  app.put('/hooks/:hookGroupId/:hookId', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const caller = await authorize(c, `hooks:modify-hook:${hookGroupId}/${hookId}`);
    const body = await readJsonBody(c);
    return c.json(
      await createHook(services, hookGroupId, hookId, body, {
        clientId: caller.clientId,
        scopes: caller.scopes,
      }),
    );
  });

  app.post('/hooks/:hookGroupId/:hookId', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const caller = await authorize(c, `hooks:modify-hook:${hookGroupId}/${hookId}`);
    const body = await readJsonBody(c);
    return c.json(
      await updateHook(services, hookGroupId, hookId, body, {
        clientId: caller.clientId,
        scopes: caller.scopes,
      }),
    );
  });

  app.delete('/hooks/:hookGroupId/:hookId', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const caller = await authorize(c, `hooks:modify-hook:${hookGroupId}/${hookId}`);
    await removeHook(services, hookGroupId, hookId, { clientId: caller.clientId });
    return c.json({});
  });

  app.get('/hooks/:hookGroupId/:hookId/status', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:status:${hookGroupId}/${hookId}`);
    const hook = await getHook(services, hookGroupId, hookId);
    const lastFire = await lastFireOf(services, hook);
    const next = nextScheduledDate(hook, services.clock.now());
    return c.json({
      lastFire,
      ...(next ? { nextScheduledDate: next } : {}),
      ...(hook.missedOccurrences !== undefined ? { missedOccurrences: hook.missedOccurrences } : {}),
      ...(hook.outOfSync?.length ? { outOfSync: hook.outOfSync } : {}),
    });
  });

  app.get('/hooks/:hookGroupId/:hookId/token', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:get-trigger-token:${hookGroupId}/${hookId}`);
    return c.json({ token: triggerTokenFor(services, await getHook(services, hookGroupId, hookId)) });
  });

  app.post('/hooks/:hookGroupId/:hookId/token', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const caller = await authorize(c, `hooks:reset-trigger-token:${hookGroupId}/${hookId}`);
    return c.json({
      token: await resetTriggerToken(services, hookGroupId, hookId, { clientId: caller.clientId }),
    });
  });

  app.get('/hooks/:hookGroupId/:hookId/history', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:get:${hookGroupId}:${hookId}`);
    const page = await services.store.listAudit(hookGroupId, hookId, pageRequest(c));
    return c.json({
      history: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  return app;
}

/** How many of the newest fires getHookStatus looks through for one that fired or failed. */
const STATUS_FIRE_SCAN = 200;

/**
 * Taskcluster's `lastFire`: the newest fire that started a run (`success`) or failed (`error`), or
 * `no-fire`. Fires that started nothing on purpose (declined by the template, skipped by the
 * concurrency limit) are not what `lastFire` describes; they are rows of listLastFires.
 */
async function lastFireOf(services: Services, hook: HookRecord) {
  let continuationToken: string | undefined;
  let seen = 0;
  do {
    const page = await listFiresOfHook(services, hook, { limit: 50, continuationToken });
    for (const fire of page.items) {
      if (fire.result === 'success' || fire.result === 'queued') {
        const run = await services.store.getRun(fire.runId);
        return {
          result: 'success',
          runId: fire.runId,
          taskId: fire.runId,
          time: fire.time,
          runState: run?.status ?? null,
          runResult: run?.result ?? null,
        };
      }
      if (fire.result === 'error') {
        return {
          result: 'error',
          runId: fire.runId,
          taskId: fire.runId,
          time: fire.time,
          error: fire.error ?? 'error',
          runState: null,
          runResult: null,
        };
      }
    }
    seen += page.items.length;
    continuationToken = page.continuationToken;
  } while (continuationToken && seen < STATUS_FIRE_SCAN);
  return { result: 'no-fire' };
}
