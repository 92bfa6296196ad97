import { Hono } from 'hono';
import { type RenderRequest, renderForCheck } from '../../app/checkHook.ts';
import { applyHookType, getHook } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { completeDefinition } from '../../core/hookDefinition.ts';
import { sampleEventFor } from '../../core/sampleEvent.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/**
 * Check before firing: render a stored hook (POST /hooks/{g}/{h}/render) or an unsaved definition
 * (POST /render) for a firing context, running nothing — the job, null when the template declines,
 * or the 400 the fire would answer (with `path`: where in the template or the job).
 */
export function renderRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.renderHook, async (c, input) => {
    const { hookGroupId, hookId } = input.params;
    const caller = await input.authorize();
    const body = await input.body();
    const hook = await getHook(services, hookGroupId, hookId);
    const job = await renderForCheck(
      services,
      hook.definition,
      renderRequest(services, body, caller.clientId),
    );
    return c.json({ job });
  });

  route(app, endpoints.renderDefinition, async (c, input) => {
    const body = await input.body();
    const hookGroupId = body.hookGroupId ?? 'render';
    const hookId = body.hookId ?? 'render';
    const caller = await input.authorize({ hookGroupId, hookId });
    const { definition } = await applyHookType(services, completeDefinition(hookGroupId, hookId, body.hook));
    const job = await renderForCheck(services, definition, renderRequest(services, body, caller.clientId));
    return c.json({ job });
  });

  return app;
}

function renderRequest(
  services: Services,
  body: { firedBy: RenderRequest['firedBy']; payload?: unknown; event?: Record<string, unknown> },
  clientId: string | undefined,
): RenderRequest {
  if (body.firedBy !== 'event') return { firedBy: body.firedBy, payload: body.payload, clientId };
  const event = body.event ?? { ...sampleEventFor({}, services.clock.now()), detail: body.payload ?? {} };
  return { firedBy: 'event', event, payload: body.payload ?? event.detail ?? {} };
}
