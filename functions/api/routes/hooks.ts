import { Hono } from 'hono';
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
import { notFound } from '../../core/errors.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/** Taskcluster's hook management endpoints: list, get, create, update, remove, status, tokens, history. */
export function hookRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.listHookGroups, async (c, input) => {
    await input.authorize();
    return c.json({ groups: await services.store.listHookGroups() });
  });

  route(app, endpoints.listHooks, async (c, { params }) => {
    const hooks = await services.store.listHooks(params.hookGroupId);
    if (hooks.length === 0) throw notFound(`no hooks in group ${params.hookGroupId}`);
    return c.json({ hooks: hooks.map((h) => h.definition) });
  });

  route(app, endpoints.hook, async (c, { params }) =>
    c.json((await getHook(services, params.hookGroupId, params.hookId)).definition),
  );

  route(app, endpoints.createHook, async (c, input) => {
    const { hookGroupId, hookId } = input.params;
    const caller = await input.authorize();
    const body = await input.sentBody();
    return c.json(
      await createHook(services, hookGroupId, hookId, body, {
        clientId: caller.clientId,
        scopes: caller.scopes,
      }),
    );
  });

  route(app, endpoints.updateHook, async (c, input) => {
    const { hookGroupId, hookId } = input.params;
    const caller = await input.authorize();
    const body = await input.sentBody();
    return c.json(
      await updateHook(services, hookGroupId, hookId, body, {
        clientId: caller.clientId,
        scopes: caller.scopes,
      }),
    );
  });

  route(app, endpoints.removeHook, async (c, input) => {
    const caller = await input.authorize();
    await removeHook(services, input.params.hookGroupId, input.params.hookId, { clientId: caller.clientId });
    return c.json({});
  });

  route(app, endpoints.getHookStatus, async (c, { params }) => {
    const hook = await getHook(services, params.hookGroupId, params.hookId);
    return c.json(await getHookStatus(services, hook));
  });

  route(app, endpoints.getTriggerToken, async (c, { params }) =>
    c.json({ token: triggerTokenFor(services, await getHook(services, params.hookGroupId, params.hookId)) }),
  );

  route(app, endpoints.resetTriggerToken, async (c, input) => {
    const caller = await input.authorize();
    const { hookGroupId, hookId } = input.params;
    return c.json({
      token: await resetTriggerToken(services, hookGroupId, hookId, { clientId: caller.clientId }),
    });
  });

  route(app, endpoints.hookHistory, async (c, { params, query }) => {
    const page = await services.store.listAudit(params.hookGroupId, params.hookId, query);
    return c.json({
      history: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  return app;
}
