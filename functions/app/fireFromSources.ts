import { inputError } from '../core/errors.ts';
import type { HookRecord } from '../ports/store.ts';
import { type FireOutcome, fireHook } from './fireHook.ts';
import { CHAIN_DEPTH_FIELD, LIFECYCLE_SOURCE } from './lifecycleEvents.ts';
import type { Services } from './services.ts';

/** An EventBridge event as delivered to targets. */
export interface DeliveredEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  time?: string;
  account?: string;
  region?: string;
  resources?: string[];
  version?: string;
}

/**
 * A bound event fires the hook with `payload` = the event's detail and `event` = the whole event.
 * The run id is derived from the event id: EventBridge delivers at least once, one run starts.
 */
export function fireFromEvent(
  services: Services,
  hook: HookRecord,
  event: DeliveredEvent,
): Promise<FireOutcome> {
  if (typeof event.id !== 'string' || !event.id) throw inputError('the event has no id');
  const depthField = event.detail?.[CHAIN_DEPTH_FIELD];
  const depth =
    typeof depthField === 'number' && Number.isFinite(depthField)
      ? depthField + (event.source === LIFECYCLE_SOURCE ? 1 : 0)
      : 0;
  return fireHook(services, {
    hook,
    firedBy: 'event',
    payload: event.detail ?? {},
    event,
    occurrenceKey: `event:${event.id}`,
    depth,
  });
}

/**
 * A schedule occurrence fires the hook with `now` = the scheduled time. The run id is derived from
 * (hook, scheduled time): no occurrence ever runs twice.
 */
export function fireFromSchedule(
  services: Services,
  hook: HookRecord,
  scheduledTime: Date,
): Promise<FireOutcome> {
  return fireHook(services, {
    hook,
    firedBy: 'schedule',
    now: scheduledTime,
    occurrenceKey: `schedule:${scheduledTime.toISOString()}`,
  });
}
