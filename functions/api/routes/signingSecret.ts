import { Hono } from 'hono';
import { getHook, resetSigningSecret } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { hookParams } from '../params.ts';

/**
 * The per-hook secret that signs its http steps (`X-Hookline-Signature`), for the receiving end to
 * verify: read it, or replace it.
 */
export function signingSecretRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.get('/hooks/:hookGroupId/:hookId/signing-secret', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:get-signing-secret:${hookGroupId}/${hookId}`);
    return c.json({ secret: (await getHook(services, hookGroupId, hookId)).signingSecret });
  });

  app.post('/hooks/:hookGroupId/:hookId/signing-secret', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const caller = await authorize(c, `hooks:reset-signing-secret:${hookGroupId}/${hookId}`);
    return c.json({
      secret: await resetSigningSecret(services, hookGroupId, hookId, { clientId: caller.clientId }),
    });
  });

  return app;
}
