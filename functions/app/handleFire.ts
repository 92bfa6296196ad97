import { compileEventPattern } from '../core/eventPattern/match.ts';
import { isHooklineError } from '../core/errors.ts';
import type { HookRecord } from '../ports/store.ts';
import type { DeliveredEvent } from '../ports/bus.ts';
import { fireFromEvent, fireFromSchedule } from './fireFromSources.ts';
import type { FireOutcome } from './fireHook.ts';
import type { Services } from './services.ts';

/**
 * What a fire does when it arrives, whoever delivers it: the fire Lambda (EventBridge Scheduler, the
 * bus rule through the binding router), and locally the binding router on the local bus and the local
 * scheduler. One place for the rules:
 *
 * - the hook is read fresh from the store; if it is gone (removed after the schedule or the event was
 *   sent), nothing happens and the answer says so (`gone`) — not worth a retry;
 * - an event routed from a cache of bindings fires only if one of the hook's current bindings still
 *   matches it (`unbound` otherwise), so a cache older than the hook never fires it wrongly;
 * - the fire is recorded by fireHook (app/fireHook.ts), with the run id derived from the occurrence, so a
 *   delivery repeated by a retry starts nothing new;
 * - an input error (a render error, a payload the trigger schema refuses, a chain too deep) is recorded
 *   as the fire's error and answered as `refused`: retrying would not help. Anything else (the store or
 *   the engine failed) is thrown, for the deliverer to retry.
 */
export type FireDelivery =
  | {
      kind: 'event';
      hookGroupId: string;
      hookId: string;
      event: DeliveredEvent;
      /** Matched against a cache of bindings: fire only if a current binding matches (see above). */
      recheckBindings?: boolean;
    }
  | { kind: 'schedule'; hookGroupId: string; hookId: string; scheduledTime: Date };

export type HandledFire =
  | FireOutcome
  | { kind: 'gone'; runId?: undefined }
  | { kind: 'unbound'; runId?: undefined }
  | { kind: 'refused'; message: string; runId?: undefined };

export async function handleFire(services: Services, delivery: FireDelivery): Promise<HandledFire> {
  const { hookGroupId, hookId } = delivery;
  const hook = await services.store.getHook(hookGroupId, hookId);
  if (!hook) {
    services.logger.warn('fire for a hook that no longer exists', {
      hookGroupId,
      hookId,
      via: delivery.kind,
    });
    return { kind: 'gone' };
  }
  if (delivery.kind === 'event' && delivery.recheckBindings && !boundTo(services, hook, delivery.event)) {
    return { kind: 'unbound' };
  }
  try {
    return delivery.kind === 'event'
      ? await fireFromEvent(services, hook, delivery.event)
      : await fireFromSchedule(services, hook, delivery.scheduledTime);
  } catch (error) {
    if (!isHooklineError(error)) throw error;
    services.logger.warn('fire refused', {
      hookGroupId,
      hookId,
      via: delivery.kind,
      ...(delivery.kind === 'event'
        ? { eventId: delivery.event.id }
        : { scheduledTime: delivery.scheduledTime.toISOString() }),
      error: error.message,
    });
    return { kind: 'refused', message: error.message };
  }
}

/** Whether one of the hook's stored bindings matches the event (an unusable stored pattern matches nothing). */
function boundTo(services: Services, hook: HookRecord, event: DeliveredEvent): boolean {
  return hook.definition.bindings.some((pattern, index) => {
    try {
      return compileEventPattern(pattern)(event);
    } catch (error) {
      services.logger.error('binding not routed: invalid event pattern', {
        hookGroupId: hook.definition.hookGroupId,
        hookId: hook.definition.hookId,
        binding: index,
        error: (error as Error).message,
      });
      return false;
    }
  });
}
