import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ConcurrencyStore, QueuedRun, SemaphoreState } from '../../ports/concurrencyStore.ts';
import { conditional, documentClient, isConditionFailure } from './documentClient.ts';
import { keys } from './tableLayout.ts';

/** Concurrency semaphores and queues in the one table: pk `SEMAPHORE#g#h` / `QUEUE#g#h`. */
export class DynamoConcurrencyStore implements ConcurrencyStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  async getSemaphore(g: string, h: string): Promise<SemaphoreState | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.semaphore(g, h), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return { holders: (out.Item.holders as Record<string, number>) ?? {}, version: Number(out.Item.version) };
  }

  async putSemaphore(g: string, h: string, state: SemaphoreState, expectedVersion: number): Promise<void> {
    await conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.semaphore(g, h),
            kind: 'semaphore',
            holders: state.holders,
            version: state.version,
          },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      ),
    );
  }

  async enqueue(g: string, h: string, run: QueuedRun): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.queueOf(g, h), sk: run.position, kind: 'queued', runId: run.runId },
      }),
    );
  }

  async peekQueue(g: string, h: string, limit: number): Promise<QueuedRun[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.queueOf(g, h) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({ runId: String(i.runId), position: String(i.sk) }));
  }

  async dequeue(g: string, h: string, run: QueuedRun): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: keys.queueOf(g, h), sk: run.position },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
