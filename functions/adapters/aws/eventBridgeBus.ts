import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Bus, BusEvent } from '../../ports/bus.ts';

/** Puts events on Hookline's custom EventBridge bus, 10 entries per call (PutEvents' limit). */
export class EventBridgeBus implements Bus {
  constructor(
    private readonly eventBusName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async put(events: BusEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.eventBusName,
            Source: e.source,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
            Time: e.time ? new Date(e.time) : undefined,
            Resources: e.resources,
          })),
        }),
      );
      if (out.FailedEntryCount) {
        const failed = (out.Entries ?? [])
          .filter((e) => e.ErrorCode)
          .map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        throw new Error(`PutEvents failed for ${out.FailedEntryCount} event(s): ${failed.join('; ')}`);
      }
    }
  }
}
