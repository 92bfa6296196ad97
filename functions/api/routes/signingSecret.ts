import { Hono } from 'hono';
import { getHook, resetSigningSecret } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/**
 * The per-hook secret that signs its http steps (`X-Hookline-Signature`), for the receiving end to
 * verify: read it, or replace it.
 */
export function signingSecretRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.getSigningSecret, async (c, { params }) =>
    c.json({ secret: (await getHook(services, params.hookGroupId, params.hookId)).signingSecret }),
  );

  route(app, endpoints.resetSigningSecret, async (c, input) => {
    const caller = await input.authorize();
    const { hookGroupId, hookId } = input.params;
    return c.json({
      secret: await resetSigningSecret(services, hookGroupId, hookId, { clientId: caller.clientId }),
    });
  });

  return app;
}
