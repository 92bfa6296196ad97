import { Hono } from 'hono';
import { applyConfigChange } from '../../app/hookConfig.ts';
import { getHook } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { inputError, notFound } from '../../core/errors.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/** An admin sets or clears one key of a hook's stored config (checked against its type, versioned, audited). */
export function hookConfigRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.setHookConfigKey, async (c, input) => {
    const { hookGroupId, hookId, key } = input.params;
    const caller = await input.authorize();
    const { value } = await input.body();
    await getHook(services, hookGroupId, hookId);
    const refused = await applyConfigChange(
      services,
      hookGroupId,
      hookId,
      { update: { [key]: value } },
      { clientId: caller.clientId, scopes: caller.scopes },
    );
    if (refused) throw inputError(`config change refused: ${refused}`);
    return c.json({ config: (await getHook(services, hookGroupId, hookId)).definition.config ?? {} });
  });

  route(app, endpoints.removeHookConfigKey, async (c, input) => {
    const { hookGroupId, hookId, key } = input.params;
    const caller = await input.authorize();
    const hook = await getHook(services, hookGroupId, hookId);
    if (!(key in (hook.definition.config ?? {})))
      throw notFound(`hook ${hookGroupId}/${hookId} has no config key "${key}"`);
    const refused = await applyConfigChange(
      services,
      hookGroupId,
      hookId,
      { remove: [key] },
      { clientId: caller.clientId, scopes: caller.scopes },
    );
    if (refused) throw inputError(`config change refused: ${refused}`);
    return c.json({ config: (await getHook(services, hookGroupId, hookId)).definition.config ?? {} });
  });

  return app;
}
