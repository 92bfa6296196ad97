import type { DeliveredEvent } from '../../ports/bus.ts';
import type { EventOutbox, OutboxEntry } from '../../ports/eventOutbox.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LocalBus } from './localBus.ts';

/**
 * Delivery of the local EventBridge endpoint's events from the outbox (functions/ports/eventOutbox.ts):
 * `accept` stores them (the endpoint answers after), then delivers each and removes it once every
 * subscriber handled it; `redeliver` (at start and periodically) delivers whatever is still stored —
 * left by a crash, or by a delivery that failed. At least once; the event id deduplicates.
 */
export class OutboxDelivery {
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly bus: LocalBus,
    private readonly logger: Logger,
  ) {}

  /** Durable once this resolves; delivery goes on in the background. */
  async accept(events: DeliveredEvent[]): Promise<void> {
    if (this.stopping) throw new Error('the local stack is stopping');
    const entries = await this.outbox.add(events);
    for (const entry of entries) this.deliver(entry);
  }

  /** Delivers every stored entry not being delivered already; resolves when they are handled. */
  async redeliver(): Promise<number> {
    if (this.stopping) return 0;
    const entries = (await this.outbox.list(500)).filter((entry) => !this.inFlight.has(entry.position));
    if (entries.length > 0) this.logger.info('stored events being delivered', { events: entries.length });
    await Promise.all(entries.map((entry) => this.deliver(entry)));
    return entries.length;
  }

  private deliver(entry: OutboxEntry): Promise<void> {
    const delivery = (async () => {
      try {
        const ok = await this.bus.deliverAndWait(entry.event);
        // A delivery cut short by the stop is not done: the event stays for the next start.
        if (ok && !this.stopping) await this.outbox.remove(entry);
      } catch (error) {
        this.logger.warn('event delivery from the outbox failed; it is retried', {
          eventId: entry.event.id,
          error: (error as Error).message,
        });
      } finally {
        this.inFlight.delete(entry.position);
      }
    })();
    this.inFlight.set(entry.position, delivery);
    return delivery;
  }

  /** Refuses new events and waits for deliveries under way. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
