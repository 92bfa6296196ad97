import { Hono } from 'hono';
import { matchEventToBindings } from '../../app/matchEvent.ts';
import { inputError } from '../../core/errors.ts';
import { satisfies } from '../../core/scopes.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import type { Services } from '../../app/services.ts';
import { readJsonBody } from '../requestBody.ts';
import { matchEventInputSchema } from '../schemas.ts';

/**
 * `POST /events/match` body `{event}`: which hooks' bindings the event matches and by which pattern —
 * what the binding router would fire for it, without firing. Needs `hooks:list-hooks:`; hooks the
 * caller lacks `hooks:get:<g>:<h>` for are left out (as GET /hooks/{g}/{h} would refuse them).
 */
export function eventRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.post('/events/match', async (c) => {
    const caller = await authorize(c, 'hooks:list-hooks:');
    const parsed = matchEventInputSchema.safeParse(await readJsonBody(c));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw inputError(
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'} (expected {"event": {…}})`,
      );
    }
    const matches = await matchEventToBindings(services, parsed.data.event, (g, h) =>
      satisfies(caller.scopes, `hooks:get:${g}:${h}`),
    );
    return c.json({ matches });
  });

  return app;
}
