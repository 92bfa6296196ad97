import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { reconcileHook } from '../../app/syncTriggers.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { hookParams } from '../params.ts';

/**
 * `POST /hooks/{g}/{h}/reconcile`: makes the hook's rules and schedules match its stored definition again
 * (after a sync failed halfway) and answers `{outOfSync: [...]}` — empty when everything now agrees.
 * For a hook that no longer exists it deletes whatever rules and schedules its removal left behind.
 */
export function reconcileRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.post('/hooks/:hookGroupId/:hookId/reconcile', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    await authorize(c, `hooks:modify-hook:${hookGroupId}/${hookId}`);
    return c.json({ outOfSync: await reconcileHook(services, hookGroupId, hookId) });
  });

  return app;
}
