import type { ConcurrencyStore, QueuedRun, SemaphoreState } from '../../../ports/concurrencyStore.ts';
import { ConditionFailed } from '../../../ports/store.ts';
import type { SqliteDatabase } from './database.ts';
import { fromDocument, toDocument } from './documents.ts';

/**
 * Per-hook semaphores and run queues on the embedded SQLite database, with the DynamoDB adapter's
 * semantics (functions/adapters/aws/dynamoConcurrencyStore.ts): versioned semaphore writes, a FIFO
 * queue ordered by position, a dequeue only one dispatcher wins.
 *
 * The busy-hook index is the table `busy_hooks`: enqueue, and a semaphore write with holders, mark the
 * hook in the same transaction as the write, so a hook with a queued run or a holder is never missing;
 * forgetIfIdle checks the queue and the leases and unmarks in one transaction, so a concurrent enqueue
 * or acquire either comes before it (and keeps the hook) or after it (and marks it again).
 */
export class SqliteConcurrencyStore implements ConcurrencyStore {
  private readonly sql;

  constructor(private readonly database: SqliteDatabase) {
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
      markBusy: db.prepare<[string, string]>(
        'INSERT OR IGNORE INTO busy_hooks (hook_group_id, hook_id) VALUES (?, ?)',
      ),
      unmarkBusy: db.prepare<[string, string]>(
        'DELETE FROM busy_hooks WHERE hook_group_id = ? AND hook_id = ?',
      ),
      busyHooks: db.prepare<[], { hook_group_id: string; hook_id: string }>(
        'SELECT hook_group_id, hook_id FROM busy_hooks ORDER BY hook_group_id, hook_id',
      ),
    };
  }

  async getSemaphore(g: string, h: string): Promise<SemaphoreState | undefined> {
    const row = this.sql.get.get(g, h);
    return row && { holders: fromDocument<Record<string, number>>(row.holders), version: row.version };
  }

  async putSemaphore(g: string, h: string, state: SemaphoreState, expectedVersion: number): Promise<void> {
    const holders = toDocument(state.holders ?? {});
    this.database.transaction(() => {
      const written =
        expectedVersion === 0
          ? this.sql.create.run(g, h, state.version, holders)
          : this.sql.replace.run(state.version, holders, g, h, expectedVersion);
      if (written.changes === 0) throw new ConditionFailed();
      if (Object.keys(state.holders ?? {}).length > 0) this.sql.markBusy.run(g, h);
    });
  }

  async enqueue(g: string, h: string, run: QueuedRun): Promise<void> {
    this.database.transaction(() => {
      this.sql.markBusy.run(g, h);
      this.sql.enqueue.run(g, h, run.position, run.runId);
    });
  }

  async listBusyHooks(): Promise<Array<{ hookGroupId: string; hookId: string }>> {
    return this.sql.busyHooks.all().map((row) => ({ hookGroupId: row.hook_group_id, hookId: row.hook_id }));
  }

  async forgetIfIdle(g: string, h: string, nowMs: number): Promise<void> {
    this.database.transaction(() => {
      if (this.sql.peek.all(g, h, 1).length > 0) return;
      const row = this.sql.get.get(g, h);
      const holders = row ? fromDocument<Record<string, number>>(row.holders) : {};
      if (Object.values(holders).some((expiry) => expiry > nowMs)) return;
      this.sql.unmarkBusy.run(g, h);
    });
  }

  async peekQueue(g: string, h: string, limit: number): Promise<QueuedRun[]> {
    return this.sql.peek.all(g, h, limit).map((row) => ({ runId: row.run_id, position: row.position }));
  }

  async dequeue(g: string, h: string, run: QueuedRun): Promise<boolean> {
    return this.sql.dequeue.run(g, h, run.position).changes > 0;
  }
}
