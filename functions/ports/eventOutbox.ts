import type { DeliveredEvent } from './bus.ts';

/**
 * The local EventBridge endpoint's outbox: accepted PutEvents entries are stored before the endpoint
 * answers, delivered from here, and removed once delivered — at least once; the event id deduplicates
 * (a bound hook's run id is derived from it, functions/app/fireFromSources.ts).
 */
export interface OutboxEntry {
  /** Opaque, in acceptance order. */
  position: string;
  event: DeliveredEvent;
}

export interface EventOutbox {
  /** Stores the events durably, in order; resolves only once all are stored. */
  add(events: DeliveredEvent[]): Promise<OutboxEntry[]>;
  /** The oldest stored entries, oldest first. */
  list(limit: number): Promise<OutboxEntry[]>;
  /** Removes a delivered entry (absent: nothing). */
  remove(entry: OutboxEntry): Promise<void>;
}
