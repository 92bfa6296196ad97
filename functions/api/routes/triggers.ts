import { Hono } from 'hono';
import { inputError } from '../../core/errors.ts';
import { fireHook, type FireOutcome } from '../../app/fireHook.ts';
import { getHook } from '../../app/manageHooks.ts';
import type { Services } from '../../app/services.ts';
import { checkTriggerToken } from '../../app/triggerWithToken.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { hookParams } from '../params.ts';
import { readJsonBody } from '../requestBody.ts';
import { idempotencyKeyHeaderSchema } from '../schemas.ts';

/** triggerHook and triggerHookWithToken. */
export function triggerRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.post('/hooks/:hookGroupId/:hookId/trigger', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const caller = await authorize(c, `hooks:trigger-hook:${hookGroupId}/${hookId}`);
    const payload = await readJsonBody(c);
    const hook = await getHook(services, hookGroupId, hookId);
    const outcome = await fireHook(services, {
      hook,
      firedBy: 'triggerHook',
      payload: payload ?? {},
      clientId: caller.clientId,
      idempotencyKey: idempotencyKey(c.req.header('idempotency-key')),
    });
    return c.json(triggerResponse(outcome));
  });

  app.post('/hooks/:hookGroupId/:hookId/trigger/:token', async (c) => {
    const { hookGroupId, hookId } = hookParams(c);
    const hook = await checkTriggerToken(services, hookGroupId, hookId, c.req.param('token') ?? '');
    const payload = await readJsonBody(c);
    const outcome = await fireHook(services, {
      hook,
      firedBy: 'triggerHookWithToken',
      payload: payload ?? {},
      idempotencyKey: idempotencyKey(c.req.header('idempotency-key')),
    });
    return c.json(triggerResponse(outcome));
  });

  return app;
}

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!idempotencyKeyHeaderSchema.safeParse(header).success) {
    throw inputError('Idempotency-Key must be 1 to 255 printable ASCII characters without spaces');
  }
  return header;
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
