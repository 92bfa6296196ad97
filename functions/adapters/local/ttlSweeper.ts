import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../aws/documentClient.ts';
import { TABLE_KEYS } from '../aws/tableLayout.ts';
import type { ExpirySweeper } from './expirySweeper.ts';

/**
 * Local stand-in for DynamoDB TTL (dynalite has none): deletes items whose `expiresAt` (epoch
 * seconds) has passed — fires, runs, steps, outputs, idempotency keys, Hawk nonces. The cloud table
 * has TTL on the same attribute, so the data lives as long in both modes.
 */
export class TtlSweeper implements ExpirySweeper {
  private readonly doc;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.doc = documentClient(client);
  }

  /** One pass over the table; returns how many items were deleted. */
  async sweep(): Promise<number> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    let deleted = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: '#ttl < :now',
          ExpressionAttributeNames: { '#ttl': TABLE_KEYS.ttlAttribute },
          ExpressionAttributeValues: { ':now': nowSeconds },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
          Limit: 500,
        }),
      );
      const keys = (page.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk }));
      for (let i = 0; i < keys.length; i += 25) {
        let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
        for (let attempt = 0; requests.length > 0 && attempt < 8; attempt++) {
          const out = await this.doc.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          const unprocessed = (out.UnprocessedItems?.[this.tableName] as typeof requests | undefined) ?? [];
          deleted += requests.length - unprocessed.length;
          requests = unprocessed;
          if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return deleted;
  }
}
