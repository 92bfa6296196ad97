import { randomUUID } from 'node:crypto';
import type { Bus, BusEvent, DeliveredEvent } from '../../ports/bus.ts';
import type { Logger } from '../../ports/logger.ts';

/**
 * The local event bus: what PutEvents puts on EventBridge, delivered in-process to subscribers
 * (the binding router, handler directories, embedded callbacks) as EventBridge delivers to targets.
 */
export type BusSubscriber = (event: DeliveredEvent) => Promise<void> | void;

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

export function toDeliveredEvent(event: BusEvent): DeliveredEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': event.detailType,
    source: event.source,
    account: LOCAL_ACCOUNT,
    time: event.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: event.resources ?? [],
    detail: event.detail,
  };
}

export class LocalBus implements Bus {
  private readonly subscribers = new Set<BusSubscriber>();
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  subscribe(subscriber: BusSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async put(events: BusEvent[]): Promise<void> {
    for (const event of events) this.deliver(toDeliveredEvent(event));
  }

  /** Delivers an event that already has its envelope (PutEvents through the local endpoint). */
  deliver(event: DeliveredEvent): void {
    this.deliverToEach(event);
  }

  /**
   * Delivers to every subscriber and resolves once all have handled the event: true if none failed
   * (the outbox removes the event then; otherwise it is delivered again later).
   */
  async deliverAndWait(event: DeliveredEvent): Promise<boolean> {
    const outcomes = await Promise.all(this.deliverToEach(event));
    return outcomes.every(Boolean);
  }

  /** One delivery per subscriber, tracked until it settles; each resolves false if it failed (logged). */
  private deliverToEach(event: DeliveredEvent): Array<Promise<boolean>> {
    return [...this.subscribers].map((subscriber) => {
      const delivery: Promise<boolean> = Promise.resolve()
        .then(() => subscriber(event))
        .then(
          () => true,
          (error: Error) => {
            this.logger.error('event delivery failed', {
              eventId: event.id,
              source: event.source,
              error: error.message,
            });
            return false;
          },
        )
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
      return delivery;
    });
  }

  /** Resolves when every delivery so far has been handled (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
