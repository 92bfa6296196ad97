import { fireHook } from '../../../functions/app/fireHook.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import type { Services } from '../../../functions/app/services.ts';
import { hookBody } from '../../support/hookBody.ts';

/** Creates hook `group/hookId` with `job` (and `extra` hook fields) and fires it once; the run's id. */
export async function firedRun(
  services: Services,
  group: string,
  hookId: string,
  job: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  payload: unknown = {},
): Promise<string> {
  await createHook(services, group, hookId, hookBody(job, extra), { scopes: ['*'] });
  const outcome = await fireHook(services, {
    hook: await getHook(services, group, hookId),
    firedBy: 'triggerHook',
    payload,
  });
  return outcome.runId;
}
