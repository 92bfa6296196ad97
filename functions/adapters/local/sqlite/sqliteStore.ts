import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type RunRecord, runSummaryOf, type StepOutput, type StepRecord } from '../../../core/runModel.ts';
import { type Clock, systemClock } from '../../../ports/clock.ts';
import type { RunCreation, RunCreationOutcome, RunCreationRepair } from '../../../ports/runCreation.ts';
import {
  type AuditRecord,
  ConditionFailed,
  type FireRecord,
  HOOK_BOOKKEEPING_FIELDS,
  type HookBookkeepingChange,
  type HookRecord,
  type IdempotencyClaim,
  type Page,
  type PageRequest,
  type RunFilter,
  type RunSummary,
  type Store,
} from '../../../ports/store.ts';
import { keys } from '../../aws/tableLayout.ts';
import { decodeContinuationToken, encodeContinuationToken } from '../../continuationToken.ts';
import type { SqliteDatabase } from './database.ts';
import { conditionalUpdate, fromDocument, pageOf, toDocument } from './documents.ts';

type Row = { record: string };
type SortedRow = Row & { sk: string };
type KeyRow = { run_id: string; expires_at: number; fingerprint: string | null };
type Statement = Database.Statement<unknown[], SortedRow>;

/** The RunFilter fields other than the hook, as stored in the run record (ports/store.ts RunFilter). */
const RUN_FILTER_FIELDS = ['status', 'result', 'firedBy'] as const;

/**
 * The Store on the embedded SQLite database, with the DynamoDB adapter's semantics (functions/adapters/
 * aws/dynamoStore.ts): the same conditions, the same orders, the same continuation tokens. Multi-record
 * writes (a run and its steps) are one transaction here, where DynamoDB writes them side by side.
 */
export class SqliteStore implements Store {
  private readonly clock: Clock;
  private readonly sql;
  /** listRecentRuns' statements, one per shape of filter (at most 2^8). */
  private readonly recentRunsQueries = new Map<string, Statement>();

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
      runState: db.prepare<[string], { finished: number }>('SELECT finished FROM runs WHERE run_id = ?'),
      // Once finished, a run stays off the unfinished list (DynamoDB deletes its marker item).
      writeRun: db.prepare<[string, number, string]>(
        'UPDATE runs SET record = ?, finished = max(finished, ?) WHERE run_id = ?',
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

      putKey: db.prepare<[string, string, string, string, number, string]>(
        'INSERT OR REPLACE INTO idempotency_keys (hook_group_id, hook_id, key, run_id, expires_at, fingerprint) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getKey: db.prepare<[string, string, string], KeyRow>(
        'SELECT run_id, expires_at, fingerprint FROM idempotency_keys WHERE hook_group_id = ? AND hook_id = ? AND key = ?',
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
    this.writeFire(fire);
  }

  private writeFire(fire: FireRecord): void {
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

  /**
   * The whole creation is one transaction, so it is never half there: `repairRunCreation` finds a run
   * complete or nothing at all, and no other creation ever sees a key held by a creation under way
   * (`key-busy` never happens here). Outcomes as functions/adapters/aws/dynamoRunCreation.ts: a run id
   * that exists is `run-exists` (checked first); an Idempotency-Key that is unexpired and answers with a
   * run that exists is `key-taken`; a key past its expiry, or whose run does not exist, is free.
   */
  async createRun(creation: RunCreation): Promise<RunCreationOutcome> {
    const { run, steps, fire, idempotency, expiresAt } = creation;
    const { hookGroupId: g, hookId: h, runId } = run;
    const nowSeconds = this.nowSeconds();
    return this.database.transaction((): RunCreationOutcome => {
      if (this.sql.getRun.get(runId)) return { kind: 'run-exists' };
      if (idempotency) {
        const held = this.sql.getKey.get(g, h, idempotency.key);
        if (held && held.expires_at >= nowSeconds && this.sql.getRun.get(held.run_id))
          return { kind: 'key-taken', runId: held.run_id, ...fingerprintOf(held) };
        this.sql.putKey.run(g, h, idempotency.key, runId, idempotency.expiresAt, idempotency.fingerprint);
      }
      // As in DynamoDB, a step that already exists is kept (a retried create never resets a step).
      for (const step of steps)
        this.sql.insertStep.run(runId, step.index, expiresAt ?? null, toDocument(withoutExpiry(step)));
      this.sql.insertRun.run(
        runId,
        g,
        h,
        keys.runsSortKey(run.createdAt, runId),
        0, // on the unfinished list until an update finishes it, as DynamoDB's marker item
        expiresAt ?? null,
        toDocument(withoutExpiry(run)),
      );
      this.writeFire(fire);
      return { kind: 'created' };
    });
  }

  /** A creation is one transaction: an unfinished run is complete, anything else has nothing to repair. */
  async repairRunCreation(runId: string, _startedBefore: Date): Promise<RunCreationRepair> {
    return this.sql.runState.get(runId)?.finished === 0 ? 'complete' : 'none';
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
    return this.listRecentRuns({ hookGroupId: g, hookId: h }, page);
  }

  /**
   * One indexed query, newest first by `createdAt#runId` (the DynamoDB adapter's sort key): one hook's
   * runs on `runs_of_hook` (its token names gsi1, as DynamoDB's hook listing), all runs on `runs_recent`
   * (gsi2); `since` is inclusive and `until` exclusive since `createdAt#runId` sorts after `createdAt`.
   */
  async listRecentRuns(filter: RunFilter, page: PageRequest): Promise<Page<RunSummary>> {
    const oneHook = filter.hookGroupId !== undefined && filter.hookId !== undefined;
    const [pkName, skName, pkValue] = oneHook
      ? ['gsi1pk', 'gsi1sk', keys.runsOf(filter.hookGroupId!, filter.hookId!)]
      : ['gsi2pk', 'gsi2sk', keys.allRuns];
    const after = decodeContinuationToken(page.continuationToken, ['pk', 'sk', pkName, skName], {
      name: pkName,
      value: pkValue,
    });
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (condition: string, value: string) => {
      conditions.push(condition);
      values.push(value);
    };
    if (filter.hookGroupId !== undefined) where('hook_group_id = ?', filter.hookGroupId);
    if (filter.hookId !== undefined) where('hook_id = ?', filter.hookId);
    if (filter.since !== undefined) where('sk >= ?', filter.since);
    if (filter.until !== undefined) where('sk < ?', filter.until);
    if (after) where('sk < ?', after[skName]!);
    for (const field of RUN_FILTER_FIELDS)
      if (filter[field] !== undefined) where(`json_extract(record, '$.${field}') = ?`, filter[field]);
    const index = oneHook ? 'runs_of_hook' : 'runs_recent';
    const text = `SELECT sk, record FROM runs INDEXED BY ${index}${
      conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
    } ORDER BY sk DESC LIMIT ?`;
    let statement = this.recentRunsQueries.get(text);
    if (!statement) {
      statement = this.database.connection.prepare<unknown[], SortedRow>(text);
      this.recentRunsQueries.set(text, statement);
    }
    const rows = statement.all(...values, page.limit + 1);
    const { rows: items, more } = pageOf(rows, page.limit);
    const runs = items.map((row) => fromDocument<RunRecord>(row.record));
    const last = items.at(-1);
    return {
      items: runs.map(runSummaryOf),
      continuationToken:
        more && last
          ? encodeContinuationToken({
              ...keys.run(runs.at(-1)!.runId),
              [pkName]: pkValue,
              [skName]: last.sk,
            })
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

  async findIdempotentRun(g: string, h: string, key: string): Promise<IdempotencyClaim | undefined> {
    const held = this.sql.getKey.get(g, h, key);
    if (!held || held.expires_at < this.nowSeconds()) return undefined;
    return this.sql.getRun.get(held.run_id) ? { runId: held.run_id, ...fingerprintOf(held) } : undefined;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
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

function fingerprintOf(row: KeyRow): { fingerprint?: string } {
  return row.fingerprint === null ? {} : { fingerprint: row.fingerprint };
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
