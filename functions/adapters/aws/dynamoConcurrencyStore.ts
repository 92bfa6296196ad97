import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ConcurrencyStore, QueuedRun, SemaphoreState } from '../../ports/concurrencyStore.ts';
import { conditional, documentClient, isConditionFailure, queryAll } from './documentClient.ts';
import { keys } from './tableLayout.ts';

/**
 * Concurrency semaphores and queues in the one table: pk `SEMAPHORE#g#h` / `QUEUE#g#h`, and the index
 * of busy hooks, pk `BUSY` sk `g#h` with a random `mark` rewritten at every enqueue and acquire.
 *
 * Order, safe at every cut: the busy mark is written before the queue item or the semaphore's
 * holders, so nothing queued or held is ever unlisted. forgetIfIdle reads the mark, then the queue and
 * the semaphore, and deletes the mark only if it is still the one it read: an enqueue or acquire that
 * raced the check rewrote the mark, and the delete fails. A mark left by a cut write is trimmed later.
 */
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

  private busyKey(g: string, h: string) {
    return { pk: 'BUSY', sk: `${g}#${h}` };
  }

  private async markBusy(g: string, h: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...this.busyKey(g, h), kind: 'busy', hookGroupId: g, hookId: h, mark: randomUUID() },
      }),
    );
  }

  async listBusyHooks(): Promise<Array<{ hookGroupId: string; hookId: string }>> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'BUSY' },
      ProjectionExpression: 'hookGroupId, hookId',
    });
    return items.map((item) => ({ hookGroupId: String(item.hookGroupId), hookId: String(item.hookId) }));
  }

  async forgetIfIdle(g: string, h: string, nowMs: number): Promise<void> {
    const marked = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.busyKey(g, h), ConsistentRead: true }),
    );
    if (!marked.Item) return;
    const [queued, semaphore] = await Promise.all([this.peekQueue(g, h, 1), this.getSemaphore(g, h)]);
    if (queued.length > 0) return;
    if (Object.values(semaphore?.holders ?? {}).some((expiry) => expiry > nowMs)) return;
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: this.busyKey(g, h),
          ConditionExpression: '#mark = :mark',
          ExpressionAttributeNames: { '#mark': 'mark' },
          ExpressionAttributeValues: { ':mark': marked.Item.mark },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async putSemaphore(g: string, h: string, state: SemaphoreState, expectedVersion: number): Promise<void> {
    if (Object.keys(state.holders).length > 0) await this.markBusy(g, h);
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
    await this.markBusy(g, h);
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
