import type { ConcurrencyStore, QueuedRun, SemaphoreState } from '../../../ports/concurrencyStore.ts';
import { ConditionFailed } from '../../../ports/store.ts';
import type { SqliteDatabase } from './database.ts';
import { fromDocument, toDocument } from './documents.ts';

/**
 * Per-hook semaphores and run queues on the embedded SQLite database, with the DynamoDB adapter's
 * semantics (functions/adapters/aws/dynamoConcurrencyStore.ts): versioned semaphore writes, a FIFO
 * queue ordered by position, a dequeue only one dispatcher wins.
 */
export class SqliteConcurrencyStore implements ConcurrencyStore {
  private readonly sql;

  constructor(database: SqliteDatabase) {
    const db = database.connection;
    this.sql = {
      get: db.prepare<[string, string], { holders: string; version: number }>(
        'SELECT holders, version FROM semaphores WHERE hook_group_id = ? AND hook_id = ?',
      ),
      create: db.prepare<[string, string, number, string]>(
        'INSERT INTO semaphores (hook_group_id, hook_id, version, holders) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      replace: db.prepare<[number, string, string, string, number]>(
        'UPDATE semaphores SET version = ?, holders = ? WHERE hook_group_id = ? AND hook_id = ? AND version = ?',
      ),
      enqueue: db.prepare<[string, string, string, string]>(
        'INSERT OR REPLACE INTO run_queue (hook_group_id, hook_id, position, run_id) VALUES (?, ?, ?, ?)',
      ),
      peek: db.prepare<[string, string, number], { position: string; run_id: string }>(
        'SELECT position, run_id FROM run_queue WHERE hook_group_id = ? AND hook_id = ? ORDER BY position LIMIT ?',
      ),
      dequeue: db.prepare<[string, string, string]>(
        'DELETE FROM run_queue WHERE hook_group_id = ? AND hook_id = ? AND position = ?',
      ),
    };
  }

  async getSemaphore(g: string, h: string): Promise<SemaphoreState | undefined> {
    const row = this.sql.get.get(g, h);
    return row && { holders: fromDocument<Record<string, number>>(row.holders), version: row.version };
  }

  async putSemaphore(g: string, h: string, state: SemaphoreState, expectedVersion: number): Promise<void> {
    const holders = toDocument(state.holders ?? {});
    const written =
      expectedVersion === 0
        ? this.sql.create.run(g, h, state.version, holders)
        : this.sql.replace.run(state.version, holders, g, h, expectedVersion);
    if (written.changes === 0) throw new ConditionFailed();
  }

  async enqueue(g: string, h: string, run: QueuedRun): Promise<void> {
    this.sql.enqueue.run(g, h, run.position, run.runId);
  }

  async peekQueue(g: string, h: string, limit: number): Promise<QueuedRun[]> {
    return this.sql.peek.all(g, h, limit).map((row) => ({ runId: row.run_id, position: row.position }));
  }

  async dequeue(g: string, h: string, run: QueuedRun): Promise<boolean> {
    return this.sql.dequeue.run(g, h, run.position).changes > 0;
  }
}
