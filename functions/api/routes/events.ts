import { Hono } from 'hono';
import { matchEventToBindings } from '../../app/matchEvent.ts';
import type { Services } from '../../app/services.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/**
 * `POST /events/match` body `{event}`: which hooks' bindings the event matches and by which pattern —
 * what the binding router would fire for it, without firing. Hooks the caller may not read are left
 * out (the declaration's filter scope, functions/api/endpoints/events.ts).
 */
export function eventRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.matchEvent, async (c, input) => {
    const { event } = await input.body();
    const matches = await matchEventToBindings(services, event, (g, h) =>
      input.holds({ hookGroupId: g, hookId: h }),
    );
    return c.json({ matches });
  });

  return app;
}
