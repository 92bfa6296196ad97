import { Hono } from 'hono';
import { type RenderRequest, renderForCheck } from '../../app/checkHook.ts';
import { applyHookType, getHook } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { completeDefinition } from '../../core/hookDefinition.ts';
import { sampleEventFor } from '../../core/sampleEvent.ts';
import { parseOrThrow } from '../../core/validation.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { hookParams } from '../params.ts';
import { readJsonBody } from '../requestBody.ts';
import { renderDefinitionInputSchema, renderHookInputSchema } from '../schemas.ts';

/**
 * Check before firing: render a stored hook (POST /hooks/{g}/{h}/render) or an unsaved definition
 * (POST /render) for a firing context, running nothing — the job, null when the template declines,
 * or the 400 the fire would answer (with `path`: where in the template or the job).
 */
export function renderRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.post('/hooks/:hookGroupId/:hookId/render', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const caller = await authorize(c, `hooks:trigger-hook:${hookGroupId}/${hookId}`);
    const body = parseOrThrow(renderHookInputSchema, (await readJsonBody(c)) ?? {}, 'render request');
    const hook = await getHook(services, hookGroupId, hookId);
    const job = await renderForCheck(
      services,
      hook.definition,
      renderRequest(services, body, caller.clientId),
    );
    return c.json({ job });
  });

  app.post('/render', async (c) => {
    const body = parseOrThrow(renderDefinitionInputSchema, (await readJsonBody(c)) ?? {}, 'render request');
    const hookGroupId = body.hookGroupId ?? 'render';
    const hookId = body.hookId ?? 'render';
    // the scope that creates this hook (PUT /hooks/{g}/{h})
    const caller = await authorize(c, `hooks:modify-hook:${hookGroupId}/${hookId}`);
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
