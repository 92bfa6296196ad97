import { Hono } from 'hono';
import { notFound } from '../../core/errors.ts';
import { getHookStatus } from '../../app/hookStatus.ts';
import {
  createHook,
  getHook,
  removeHook,
  resetTriggerToken,
  triggerTokenFor,
  updateHook,
} from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
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
    return c.json(await getHookStatus(services, hook));
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
