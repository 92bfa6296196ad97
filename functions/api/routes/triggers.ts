import { Hono } from 'hono';
import { type FireOutcome, fireHook } from '../../app/fireHook.ts';
import { getHook } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { checkTriggerToken } from '../../app/triggerWithToken.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/** triggerHook and triggerHookWithToken. */
export function triggerRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.triggerHook, async (c, input) => {
    const { hookGroupId, hookId } = input.params;
    const caller = await input.authorize();
    const payload = await input.body();
    const hook = await getHook(services, hookGroupId, hookId);
    const outcome = await fireHook(services, {
      hook,
      firedBy: 'triggerHook',
      payload,
      clientId: caller.clientId,
      idempotencyKey: input.headers.idempotencyKey,
    });
    return c.json(triggerResponse(outcome));
  });

  route(app, endpoints.triggerHookWithToken, async (c, input) => {
    const { hookGroupId, hookId, token } = input.params;
    // the token is the credential: checked before the body is read
    const hook = await checkTriggerToken(services, hookGroupId, hookId, token);
    const outcome = await fireHook(services, {
      hook,
      firedBy: 'triggerHookWithToken',
      payload: await input.body(),
      idempotencyKey: input.headers.idempotencyKey,
    });
    return c.json(triggerResponse(outcome));
  });

  return app;
}

/** Taskcluster's trigger response: `{taskId, status: {taskId}}`, or `{}` when the template declined. */
export function triggerResponse(outcome: FireOutcome): Record<string, unknown> {
  if (outcome.kind === 'declined') return {};
  if (outcome.kind === 'skipped')
    return { skipped: true, reason: 'concurrency limit reached (onLimit: skip)' };
  return {
    runId: outcome.runId,
    taskId: outcome.runId,
    status: { taskId: outcome.runId, runId: outcome.runId },
    ...(outcome.kind === 'duplicate' ? { duplicate: true } : {}),
  };
}
