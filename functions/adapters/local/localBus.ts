import { randomUUID } from 'node:crypto';
import type { DeliveredEvent } from '../../ports/bus.ts';
import type { Bus, BusEvent } from '../../ports/bus.ts';
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
  private pending = new Set<Promise<void>>();

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
    for (const subscriber of this.subscribers) {
      const delivery = Promise.resolve()
        .then(() => subscriber(event))
        .catch((error: Error) =>
          this.logger.error('event delivery failed', {
            eventId: event.id,
            source: event.source,
            error: error.message,
          }),
        )
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  /**
   * Delivers to every subscriber and resolves once all have handled the event: true if none failed
   * (the outbox removes the event then; otherwise it is delivered again later).
   */
  async deliverAndWait(event: DeliveredEvent): Promise<boolean> {
    let ok = true;
    const deliveries = [...this.subscribers].map((subscriber) => {
      const delivery = Promise.resolve()
        .then(() => subscriber(event))
        .catch((error: Error) => {
          ok = false;
          this.logger.error('event delivery failed', {
            eventId: event.id,
            source: event.source,
            error: error.message,
          });
        })
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
      return delivery;
    });
    await Promise.all(deliveries);
    return ok;
  }

  /** Resolves when every delivery so far has been handled (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
