import { type DeliveredEvent, fireFromEvent, fireFromSchedule } from '../app/fireFromSources.ts';
import { sweepQueues } from '../app/concurrency.ts';
import type { Services } from '../app/services.ts';
import { cloudServices } from '../adapters/aws/cloudServices.ts';
import { isHooklineError } from '../core/errors.ts';

/**
 * The fire function: target of each binding's EventBridge rule (input `{hookGroupId, hookId, event}`)
 * and of each EventBridge Scheduler schedule (input `{hookGroupId, hookId, scheduledTime}`), and
 * of the stack's queue sweep schedule (input `{action: 'sweep-queues'}`).
 */
export type FireEvent =
  | { hookGroupId: string; hookId: string; event: DeliveredEvent }
  | { hookGroupId: string; hookId: string; scheduledTime: string }
  | { action: 'sweep-queues' };

export function createFireHandler(services: Services) {
  return async (input: FireEvent) => {
    if ('action' in input) {
      // A periodic schedule: expired concurrency leases free their slots and queued runs start.
      await sweepQueues(services);
      return { swept: true };
    }
    const hook = await services.store.getHook(input.hookGroupId, input.hookId);
    if (!hook) {
      // The hook was removed after the rule or schedule fired: nothing to do (not worth a retry).
      services.logger.warn('fire for a hook that does not exist', {
        hookGroupId: input.hookGroupId,
        hookId: input.hookId,
      });
      return { fired: false, reason: 'no such hook' };
    }
    try {
      const outcome =
        'event' in input
          ? await fireFromEvent(services, hook, input.event)
          : await fireFromSchedule(services, hook, new Date(input.scheduledTime));
      return { fired: outcome.kind === 'started', ...outcome };
    } catch (error) {
      // A render or payload error is recorded as the fire's error; retrying would not help.
      if (isHooklineError(error)) return { fired: false, reason: error.message };
      throw error;
    }
  };
}

export const handler = async (input: FireEvent) => createFireHandler(await cloudServices('fire'))(input);
