import { Hono } from 'hono';
import type { Services } from '../../app/services.ts';
import { reconcileHook } from '../../app/syncTriggers.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/**
 * `POST /hooks/{g}/{h}/reconcile`: makes the hook's rules and schedules match its stored definition again
 * (after a sync failed halfway) and answers `{outOfSync: [...]}` — empty when everything now agrees.
 * For a hook that no longer exists it deletes whatever rules and schedules its removal left behind.
 */
export function reconcileRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.reconcileHook, async (c, { params }) =>
    c.json({ outOfSync: await reconcileHook(services, params.hookGroupId, params.hookId) }),
  );

  return app;
}
