import type { BusEvent } from '../ports/bus.ts';
import type { Services } from './services.ts';

/** Lifecycle events (README.md, "Events and schedules"), `source: "hookline"`. */
export const LIFECYCLE_SOURCE = 'hookline';

/**
 * Only Hookline itself puts events with its lifecycle source: an `event` step, a PutEvents on the
 * local EventBridge endpoint and (by the IAM condition on `events:source` in `infra/hookline/eventBus.ts`)
 * any other producer on the cloud bus are refused it, so lifecycle events cannot be forged.
 */
export function isReservedSource(source: string): boolean {
  return source === LIFECYCLE_SOURCE;
}

export const RESERVED_SOURCE_MESSAGE = `the source "${LIFECYCLE_SOURCE}" is reserved for Hookline's lifecycle events`;

export type LifecycleEventName =
  | 'Hook Created'
  | 'Hook Updated'
  | 'Hook Deleted'
  | 'Hook Fired'
  | 'Run Started'
  | 'Step Started'
  | 'Step Finished'
  | 'Run Finished';

/** The detail field that carries how deep a chain of event-fired hooks is. */
export const CHAIN_DEPTH_FIELD = 'chainDepth';

export function lifecycleEvent(
  name: LifecycleEventName,
  detail: Record<string, unknown>,
  time: Date,
): BusEvent {
  return { source: LIFECYCLE_SOURCE, detailType: name, detail, time: time.toISOString() };
}

/** Puts a lifecycle event; a bus failure is logged, never fails the run. */
export async function announce(
  services: Services,
  name: LifecycleEventName,
  detail: Record<string, unknown>,
): Promise<void> {
  try {
    await services.bus.put([lifecycleEvent(name, detail, services.clock.now())]);
  } catch (error) {
    services.logger.warn('lifecycle event not delivered', { event: name, error: (error as Error).message });
  }
}
