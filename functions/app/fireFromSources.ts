import { inputError } from '../core/errors.ts';
import { canonicalJson } from '../core/canonicalJson.ts';
import { DEFAULT_TRIGGER_SCHEMA } from '../core/triggerSchema.ts';
import type { DeliveredEvent } from '../ports/bus.ts';
import type { HookRecord } from '../ports/store.ts';
import { type FireOutcome, fireHook } from './fireHook.ts';
import { CHAIN_DEPTH_FIELD, LIFECYCLE_SOURCE } from './lifecycleEvents.ts';
import type { Services } from './services.ts';

/** Defined with the Bus port; re-exported for the modules that take it from here. */
export type { DeliveredEvent };

const DEFAULT_SCHEMA_JSON = canonicalJson(DEFAULT_TRIGGER_SCHEMA);
/** Accepts any detail (an event's detail is always a JSON object). */
const ANY_DETAIL = { type: 'object' };

/**
 * A bound event fires the hook with `payload` = the event's detail and `event` = the whole event.
 * The run id is derived from the event id: EventBridge delivers at least once, one run starts.
 *
 * The detail is checked against the hook's `triggerSchema` (with its defaults applied) when the hook
 * declares one. The default schema (`{type: object, additionalProperties: false}`) describes the API
 * trigger's empty payload, not the events a binding selects — with it, no event with a detail could
 * fire a hook — so a hook that keeps the default takes the detail as it is (as Taskcluster's
 * pulse-fired hooks do; only its triggerHook validates).
 */
export function fireFromEvent(
  services: Services,
  hook: HookRecord,
  event: DeliveredEvent,
): Promise<FireOutcome> {
  if (typeof event.id !== 'string' || !event.id) throw inputError('the event has no id');
  const depthField = event.detail?.[CHAIN_DEPTH_FIELD];
  // A lifecycle event carries the depth of the run it is about: the hook it fires is one deeper. An `event`
  // step's event already carries its run's depth + 1. Anything else (a forged negative or fractional
  // depth included) counts from 0 upwards, so no producer can buy a chain more room than the limit.
  const depth =
    typeof depthField === 'number' && Number.isFinite(depthField)
      ? Math.max(0, Math.floor(depthField)) + (event.source === LIFECYCLE_SOURCE ? 1 : 0)
      : 0;
  const keepsDefaultSchema = canonicalJson(hook.definition.triggerSchema) === DEFAULT_SCHEMA_JSON;
  return fireHook(services, {
    hook: keepsDefaultSchema
      ? { ...hook, definition: { ...hook.definition, triggerSchema: ANY_DETAIL } }
      : hook,
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
  if (Number.isNaN(scheduledTime.getTime())) throw inputError('the scheduled time is not a valid time');
  return fireHook(services, {
    hook,
    firedBy: 'schedule',
    now: scheduledTime,
    occurrenceKey: `schedule:${scheduledTime.toISOString()}`,
  });
}
