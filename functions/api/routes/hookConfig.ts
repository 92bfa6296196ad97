import { Hono } from 'hono';
import { inputError, notFound } from '../../core/errors.ts';
import { applyConfigChange } from '../../app/hookConfig.ts';
import { getHook } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { hookParams } from '../params.ts';
import { readJsonBody } from '../requestBody.ts';

/** An admin sets or clears one key of a hook's stored config (checked against its type, versioned, audited). */
export function hookConfigRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  const keyParam = (key: string | undefined) => {
    if (!key || !/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(key))
      throw inputError(`config key "${String(key).slice(0, 100)}" must match ^[A-Za-z_][A-Za-z0-9_-]{0,99}$`);
    return key;
  };

  app.put('/hooks/:hookGroupId/:hookId/config/:key', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const key = keyParam(c.req.param('key'));
    const caller = await authorize(c, `hooks:modify-hook:${hookGroupId}/${hookId}`);
    const body = await readJsonBody(c);
    if (
      !body ||
      typeof body !== 'object' ||
      Array.isArray(body) ||
      !('value' in body) ||
      Object.keys(body).length !== 1
    ) {
      throw inputError('the body must be {"value": <any JSON value>}');
    }
    await getHook(services, hookGroupId, hookId);
    const refused = await applyConfigChange(
      services,
      hookGroupId,
      hookId,
      { update: { [key]: (body as { value: unknown }).value } },
      { clientId: caller.clientId, scopes: caller.scopes },
    );
    if (refused) throw inputError(`config change refused: ${refused}`);
    return c.json({ config: (await getHook(services, hookGroupId, hookId)).definition.config ?? {} });
  });

  app.delete('/hooks/:hookGroupId/:hookId/config/:key', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const key = keyParam(c.req.param('key'));
    const caller = await authorize(c, `hooks:modify-hook:${hookGroupId}/${hookId}`);
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
