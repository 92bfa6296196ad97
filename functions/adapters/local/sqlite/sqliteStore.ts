import { randomBytes } from 'node:crypto';
import type { RunRecord, StepOutput, StepRecord } from '../../../core/runModel.ts';
import { type Clock, systemClock } from '../../../ports/clock.ts';
import {
  type AuditRecord,
  ConditionFailed,
  type FireRecord,
  HOOK_BOOKKEEPING_FIELDS,
  type HookBookkeepingChange,
  type HookRecord,
  type Page,
  type PageRequest,
  type RunSummary,
  type Store,
} from '../../../ports/store.ts';
import { keys } from '../../aws/tableLayout.ts';
import { decodeContinuationToken, encodeContinuationToken } from '../../continuationToken.ts';
import type { SqliteDatabase } from './database.ts';
import { conditionalUpdate, fromDocument, pageOf, toDocument } from './documents.ts';

type Row = { record: string };
type SortedRow = Row & { sk: string };

/**
 * The Store on the embedded SQLite database, with the DynamoDB adapter's semantics (functions/adapters/
 * aws/dynamoStore.ts): the same conditions, the same orders, the same continuation tokens. Multi-record
 * writes (a run and its steps) are one transaction here, where DynamoDB writes them side by side.
 */
export class SqliteStore implements Store {
  private readonly clock: Clock;
  private readonly sql;

  constructor(
    private readonly database: SqliteDatabase,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    const db = database.connection;
    this.sql = {
      getHook: db.prepare<[string, string], Row>(
        'SELECT record FROM hooks WHERE hook_group_id = ? AND hook_id = ?',
      ),
      insertHook: db.prepare<[string, string, string]>(
        'INSERT INTO hooks (hook_group_id, hook_id, record) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      replaceHook: db.prepare<[string, string, string, number]>(
        "UPDATE hooks SET record = ? WHERE hook_group_id = ? AND hook_id = ? AND json_extract(record, '$.version') = ?",
      ),
      deleteHook: db.prepare<[string, string]>('DELETE FROM hooks WHERE hook_group_id = ? AND hook_id = ?'),
      hookGroups: db.prepare<[], { hook_group_id: string }>(
        'SELECT DISTINCT hook_group_id FROM hooks ORDER BY hook_group_id',
      ),
      hooksOf: db.prepare<[string], Row>('SELECT record FROM hooks WHERE hook_group_id = ? ORDER BY hook_id'),
      allHooks: db.prepare<[], Row>('SELECT record FROM hooks ORDER BY hook_group_id, hook_id'),

      putFire: db.prepare<[string, string, string, number | null, string]>(
        'INSERT OR REPLACE INTO fires (hook_group_id, hook_id, sk, expires_at, record) VALUES (?, ?, ?, ?, ?)',
      ),
      fires: db.prepare<[string, string, number], SortedRow>(
        'SELECT sk, record FROM fires WHERE hook_group_id = ? AND hook_id = ? ORDER BY sk DESC LIMIT ?',
      ),
      firesBefore: db.prepare<[string, string, string, number], SortedRow>(
        'SELECT sk, record FROM fires WHERE hook_group_id = ? AND hook_id = ? AND sk < ? ORDER BY sk DESC LIMIT ?',
      ),
      deleteFires: db.prepare<[string, string]>('DELETE FROM fires WHERE hook_group_id = ? AND hook_id = ?'),

      insertRun: db.prepare<[string, string, string, string, number, number | null, string]>(
        'INSERT INTO runs (run_id, hook_group_id, hook_id, sk, finished, expires_at, record) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      getRun: db.prepare<[string], Row>('SELECT record FROM runs WHERE run_id = ?'),
      // Once finished, a run stays off the unfinished list (DynamoDB deletes its marker item).
      writeRun: db.prepare<[string, number, string]>(
        'UPDATE runs SET record = ?, finished = max(finished, ?) WHERE run_id = ?',
      ),
      runs: db.prepare<[string, string, number], SortedRow>(
        'SELECT sk, record FROM runs WHERE hook_group_id = ? AND hook_id = ? ORDER BY sk DESC LIMIT ?',
      ),
      runsBefore: db.prepare<[string, string, string, number], SortedRow>(
        'SELECT sk, record FROM runs WHERE hook_group_id = ? AND hook_id = ? AND sk < ? ORDER BY sk DESC LIMIT ?',
      ),
      unfinished: db.prepare<[], { run_id: string }>(
        'SELECT run_id FROM runs WHERE finished = 0 ORDER BY run_id',
      ),

      insertStep: db.prepare<[string, number, number | null, string]>(
        'INSERT INTO steps (run_id, step_index, expires_at, record) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      steps: db.prepare<[string], Row>('SELECT record FROM steps WHERE run_id = ? ORDER BY step_index'),
      getStep: db.prepare<[string, number], Row>(
        'SELECT record FROM steps WHERE run_id = ? AND step_index = ?',
      ),
      writeStep: db.prepare<[string, string, number]>(
        'UPDATE steps SET record = ? WHERE run_id = ? AND step_index = ?',
      ),
      putOutput: db.prepare<[string, number, number | null, string]>(
        'INSERT OR REPLACE INTO step_outputs (run_id, step_index, expires_at, record) VALUES (?, ?, ?, ?)',
      ),
      getOutput: db.prepare<[string, number], Row>(
        'SELECT record FROM step_outputs WHERE run_id = ? AND step_index = ?',
      ),

      claimKey: db.prepare<[string, string, string, string, number, number]>(
        `INSERT INTO idempotency_keys (hook_group_id, hook_id, key, run_id, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET run_id = excluded.run_id, expires_at = excluded.expires_at
         WHERE idempotency_keys.expires_at < ?`,
      ),
      keyRun: db.prepare<[string, string, string], { run_id: string }>(
        'SELECT run_id FROM idempotency_keys WHERE hook_group_id = ? AND hook_id = ? AND key = ?',
      ),
      releaseKey: db.prepare<[string, string, string, string]>(
        'DELETE FROM idempotency_keys WHERE hook_group_id = ? AND hook_id = ? AND key = ? AND run_id = ?',
      ),

      putAudit: db.prepare<[string, string, string, string]>(
        'INSERT OR REPLACE INTO hook_audit (hook_group_id, hook_id, sk, record) VALUES (?, ?, ?, ?)',
      ),
      audit: db.prepare<[string, string, number], SortedRow>(
        'SELECT sk, record FROM hook_audit WHERE hook_group_id = ? AND hook_id = ? ORDER BY sk DESC LIMIT ?',
      ),
      auditBefore: db.prepare<[string, string, string, number], SortedRow>(
        'SELECT sk, record FROM hook_audit WHERE hook_group_id = ? AND hook_id = ? AND sk < ? ORDER BY sk DESC LIMIT ?',
      ),
    };
  }

  // hooks

  async getHook(g: string, h: string): Promise<HookRecord | undefined> {
    const row = this.sql.getHook.get(g, h);
    return row && fromDocument<HookRecord>(row.record);
  }

  async createHook(record: HookRecord): Promise<void> {
    const { hookGroupId: g, hookId: h } = record.definition;
    if (this.sql.insertHook.run(g, h, toDocument(record)).changes === 0) throw new ConditionFailed();
  }

  async replaceHook(record: HookRecord, expectedVersion: number): Promise<void> {
    const { hookGroupId: g, hookId: h } = record.definition;
    this.database.transaction(() => {
      const row = this.sql.getHook.get(g, h);
      const stored = row && fromDocument<HookRecord>(row.record);
      if (!stored || stored.version !== expectedVersion) throw new ConditionFailed();
      this.sql.replaceHook.run(toDocument(withStoredBookkeeping(record, stored)), g, h, expectedVersion);
    });
  }

  async updateHookBookkeeping(g: string, h: string, change: HookBookkeepingChange): Promise<void> {
    this.database.transaction(() => {
      const row = this.sql.getHook.get(g, h);
      if (!row) return;
      const hook = fromDocument<HookRecord>(row.record);
      if (change.lastScheduledAt && !(hook.lastScheduledAt && hook.lastScheduledAt >= change.lastScheduledAt))
        hook.lastScheduledAt = change.lastScheduledAt;
      if (change.addMissedOccurrences)
        hook.missedOccurrences = (hook.missedOccurrences ?? 0) + change.addMissedOccurrences;
      if (change.outOfSync !== undefined) {
        if (change.outOfSync.length > 0) hook.outOfSync = change.outOfSync;
        else delete hook.outOfSync;
      }
      this.sql.replaceHook.run(toDocument(hook), g, h, hook.version);
    });
  }

  async deleteHook(g: string, h: string): Promise<void> {
    this.sql.deleteHook.run(g, h);
  }

  async listHookGroups(): Promise<string[]> {
    return this.sql.hookGroups.all().map((row) => row.hook_group_id);
  }

  async listHooks(g: string): Promise<HookRecord[]> {
    return this.sql.hooksOf.all(g).map((row) => fromDocument<HookRecord>(row.record));
  }

  async listAllHooks(): Promise<HookRecord[]> {
    return this.sql.allHooks.all().map((row) => fromDocument<HookRecord>(row.record));
  }

  // fires

  async putFire(fire: FireRecord): Promise<void> {
    const { sk } = keys.fire(fire.hookGroupId, fire.hookId, fire.time, fire.runId);
    this.sql.putFire.run(fire.hookGroupId, fire.hookId, sk, fire.expiresAt ?? null, toDocument(fire));
  }

  async listFires(g: string, h: string, page: PageRequest): Promise<Page<FireRecord>> {
    const pk = keys.firesOf(g, h);
    const after = decodeContinuationToken(page.continuationToken, ['pk', 'sk'], { name: 'pk', value: pk });
    const rows = after
      ? this.sql.firesBefore.all(g, h, after.sk!, page.limit + 1)
      : this.sql.fires.all(g, h, page.limit + 1);
    const { rows: items, more } = pageOf(rows, page.limit);
    return {
      items: items.map((row) => fromDocument<FireRecord>(row.record)),
      continuationToken: more ? encodeContinuationToken({ pk, sk: items.at(-1)!.sk }) : undefined,
    };
  }

  async deleteFires(g: string, h: string): Promise<void> {
    this.sql.deleteFires.run(g, h);
  }

  // runs and steps

  async createRun(run: RunRecord, steps: StepRecord[], expiresAt?: number): Promise<void> {
    this.database.transaction(() => {
      const sk = keys.runsSortKey(run.createdAt, run.runId);
      const stored = withoutExpiry(run);
      const inserted = this.sql.insertRun.run(
        run.runId,
        run.hookGroupId,
        run.hookId,
        sk,
        0, // on the unfinished list until an update finishes it, as DynamoDB's marker item
        expiresAt ?? null,
        toDocument(stored),
      );
      if (inserted.changes === 0) throw new ConditionFailed();
      // As in DynamoDB, a step that already exists is kept (a retried create never resets a step).
      for (const step of steps)
        this.sql.insertStep.run(run.runId, step.index, expiresAt ?? null, toDocument(withoutExpiry(step)));
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.sql.getRun.get(runId);
    return row && fromDocument<RunRecord>(row.record);
  }

  async updateRun(
    runId: string,
    changes: Partial<RunRecord>,
    onlyIf?: Partial<Record<keyof RunRecord, unknown>>,
  ): Promise<void> {
    this.database.transaction(() => {
      const row = this.sql.getRun.get(runId);
      const updated = row && conditionalUpdate(fromDocument<RunRecord>(row.record), changes, onlyIf);
      if (!updated) throw new ConditionFailed();
      this.sql.writeRun.run(toDocument(updated), changes.status === 'finished' ? 1 : 0, runId);
    });
  }

  async listRuns(g: string, h: string, page: PageRequest): Promise<Page<RunSummary>> {
    const gsi1pk = keys.runsOf(g, h);
    const after = decodeContinuationToken(page.continuationToken, ['pk', 'sk', 'gsi1pk', 'gsi1sk'], {
      name: 'gsi1pk',
      value: gsi1pk,
    });
    const rows = after
      ? this.sql.runsBefore.all(g, h, after.gsi1sk!, page.limit + 1)
      : this.sql.runs.all(g, h, page.limit + 1);
    const { rows: items, more } = pageOf(rows, page.limit);
    const runs = items.map((row) => fromDocument<RunRecord>(row.record));
    const last = runs.at(-1);
    return {
      items: runs.map((run) => ({
        runId: run.runId,
        hookGroupId: run.hookGroupId,
        hookId: run.hookId,
        firedBy: run.firedBy,
        status: run.status,
        result: run.result,
        createdAt: run.createdAt,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
      })),
      continuationToken:
        more && last
          ? encodeContinuationToken({ ...keys.run(last.runId), gsi1pk, gsi1sk: items.at(-1)!.sk })
          : undefined,
    };
  }

  async listUnfinishedRunIds(): Promise<string[]> {
    return this.sql.unfinished.all().map((row) => row.run_id);
  }

  async getSteps(runId: string): Promise<StepRecord[]> {
    return this.sql.steps.all(runId).map((row) => fromDocument<StepRecord>(row.record));
  }

  async getStep(runId: string, index: number): Promise<StepRecord | undefined> {
    const row = this.sql.getStep.get(runId, index);
    return row && fromDocument<StepRecord>(row.record);
  }

  async updateStep(
    runId: string,
    index: number,
    changes: Partial<StepRecord>,
    onlyIf?: Partial<Record<keyof StepRecord, unknown>>,
  ): Promise<void> {
    this.database.transaction(() => {
      const row = this.sql.getStep.get(runId, index);
      const updated = row && conditionalUpdate(fromDocument<StepRecord>(row.record), changes, onlyIf);
      if (!updated) throw new ConditionFailed();
      this.sql.writeStep.run(toDocument(updated), runId, index);
    });
  }

  async putStepOutput(runId: string, index: number, output: StepOutput, expiresAt?: number): Promise<void> {
    this.sql.putOutput.run(runId, index, expiresAt ?? null, toDocument(withoutExpiry(output)));
  }

  async getStepOutput(runId: string, index: number): Promise<StepOutput | undefined> {
    const row = this.sql.getOutput.get(runId, index);
    return row && fromDocument<StepOutput>(row.record);
  }

  // idempotency keys

  async claimIdempotencyKey(
    g: string,
    h: string,
    key: string,
    runId: string,
    expiresAt: number,
  ): Promise<string | undefined> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return this.database.transaction(() => {
      if (this.sql.claimKey.run(g, h, key, runId, expiresAt, now).changes > 0) return undefined;
      return this.sql.keyRun.get(g, h, key)?.run_id;
    });
  }

  async releaseIdempotencyKey(g: string, h: string, key: string, runId: string): Promise<void> {
    this.sql.releaseKey.run(g, h, key, runId);
  }

  // audit

  async putAudit(record: AuditRecord): Promise<void> {
    const { sk } = keys.audit(record.hookGroupId, record.hookId, record.time, auditId());
    this.sql.putAudit.run(record.hookGroupId, record.hookId, sk, toDocument(record));
  }

  async listAudit(g: string, h: string, page: PageRequest): Promise<Page<AuditRecord>> {
    const pk = keys.auditOf(g, h);
    const after = decodeContinuationToken(page.continuationToken, ['pk', 'sk'], { name: 'pk', value: pk });
    const rows = after
      ? this.sql.auditBefore.all(g, h, after.sk!, page.limit + 1)
      : this.sql.audit.all(g, h, page.limit + 1);
    const { rows: items, more } = pageOf(rows, page.limit);
    return {
      items: items.map((row) => fromDocument<AuditRecord>(row.record)),
      continuationToken: more ? encodeContinuationToken({ pk, sk: items.at(-1)!.sk }) : undefined,
    };
  }
}

/** The record without an `expiresAt` of its own: the TTL is a column, and reads never return it. */
function withoutExpiry<T extends object>(record: T): T {
  if (!Object.hasOwn(record, 'expiresAt')) return record;
  const { expiresAt: _, ...rest } = record as T & { expiresAt?: unknown };
  return rest as T;
}

/** Tells apart audit records written in the same millisecond (the sort key is `<time>#<id>`). */
function auditId(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * What replaceHook writes: the record, with the scheduler's bookkeeping as stored, and `outOfSync` as
 * stored unless the record carries a pending-sync mark (set in the same write as the definition).
 */
function withStoredBookkeeping(record: HookRecord, stored: HookRecord): HookRecord {
  const merged: HookRecord = { ...record };
  for (const name of HOOK_BOOKKEEPING_FIELDS) {
    if (name === 'outOfSync' && record.outOfSync?.length) continue;
    if (stored[name] === undefined) delete merged[name];
    else (merged as unknown as Record<string, unknown>)[name] = stored[name];
  }
  return merged;
}
