import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveredEvent } from '../../ports/bus.ts';
import type { EventOutbox, OutboxEntry } from '../../ports/eventOutbox.ts';
import { documentClient } from './documentClient.ts';

/**
 * The event outbox in the one table: pk `OUTBOX`, sk `<accepted at, ms, zero-padded>#<sequence>#<event id>`
 * (acceptance order), the event as the item's `event`. Each entry is one item, written before the
 * endpoint answers; a cut batch leaves some entries stored and the request unanswered (the caller
 * retries; the event ids differ, as with EventBridge when a PutEvents call is retried).
 */
export class DynamoEventOutbox implements EventOutbox {
  private readonly doc: DynamoDBDocumentClient;
  private sequence = 0;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  async add(events: DeliveredEvent[]): Promise<OutboxEntry[]> {
    const at = String(Date.now()).padStart(15, '0');
    const entries = events.map((event) => {
      this.sequence = (this.sequence + 1) % 1_000_000;
      return { position: `${at}#${String(this.sequence).padStart(6, '0')}#${event.id}`, event };
    });
    await Promise.all(
      entries.map((entry) =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: 'OUTBOX', sk: entry.position, kind: 'outbox', event: entry.event },
          }),
        ),
      ),
    );
    return entries;
  }

  async list(limit: number): Promise<OutboxEntry[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'OUTBOX' },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({
      position: String(item.sk),
      event: item.event as DeliveredEvent,
    }));
  }

  async remove(entry: OutboxEntry): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: 'OUTBOX', sk: entry.position } }),
    );
  }
}
