import type { DeliveredEvent } from '../../../app/fireFromSources.ts';
import type { HookType } from '../../../core/hookType.ts';
import type { RunRecord, StepOutput, StepRecord } from '../../../core/runModel.ts';
import type { ClientAuditRecord, ClientRecord } from '../../../ports/clientStore.ts';
import type { ArchivedRecord, RecordArchive } from '../../../ports/recordArchive.ts';
import type { AuditRecord, FireRecord, HookRecord } from '../../../ports/store.ts';
import { keys } from '../../aws/tableLayout.ts';
import type { SqliteDatabase } from './database.ts';
import { fromDocument, toDocument } from './documents.ts';

type Row = Record<string, string | number | null>;

const TABLES = [
  'hooks',
  'fires',
  'runs',
  'steps',
  'step_outputs',
  'idempotency_keys',
  'hook_audit',
  'clients',
  'client_audit',
  'hawk_nonces',
  'semaphores',
  'run_queue',
  'hook_types',
  'event_outbox',
] as const;

const expiry = (row: Row) => (row.expires_at === null ? {} : { expiresAt: Number(row.expires_at) });
const text = (value: string | number | null | undefined) => String(value);

/** The SQLite database as archived records, table by table in key order; a restore is one transaction. */
export class SqliteArchive implements RecordArchive {
  constructor(private readonly database: SqliteDatabase) {}

  async *records(): AsyncIterable<ArchivedRecord> {
    const db = this.database.connection;
    const rows = (table: string) => db.prepare<[], Row>(`SELECT * FROM ${table}`).iterate();
    for (const row of rows('hooks'))
      yield { kind: 'hook', record: fromDocument<HookRecord>(text(row.record)) };
    for (const row of rows('fires'))
      yield { kind: 'fire', record: fromDocument<FireRecord>(text(row.record)) };
    for (const row of rows('runs'))
      yield { kind: 'run', record: fromDocument<RunRecord>(text(row.record)), ...expiry(row) };
    for (const row of rows('steps'))
      yield { kind: 'step', record: fromDocument<StepRecord>(text(row.record)), ...expiry(row) };
    for (const row of rows('step_outputs'))
      yield {
        kind: 'stepOutput',
        runId: text(row.run_id),
        index: Number(row.step_index),
        record: fromDocument<StepOutput>(text(row.record)),
        ...expiry(row),
      };
    for (const row of rows('idempotency_keys'))
      yield {
        kind: 'idempotencyKey',
        hookGroupId: text(row.hook_group_id),
        hookId: text(row.hook_id),
        key: text(row.key),
        runId: text(row.run_id),
        expiresAt: Number(row.expires_at),
        ...(row.fingerprint === null ? {} : { fingerprint: text(row.fingerprint) }),
      };
    for (const row of rows('hook_audit'))
      yield { kind: 'audit', sortKey: text(row.sk), record: fromDocument<AuditRecord>(text(row.record)) };
    for (const row of rows('clients'))
      yield { kind: 'client', record: fromDocument<ClientRecord>(text(row.record)) };
    for (const row of rows('client_audit'))
      yield {
        kind: 'clientAudit',
        sortKey: text(row.sk),
        record: fromDocument<ClientAuditRecord>(text(row.record)),
      };
    for (const row of rows('hawk_nonces'))
      yield {
        kind: 'hawkNonce',
        clientId: text(row.client_id),
        nonce: text(row.nonce),
        expiresAt: Number(row.expires_at),
      };
    for (const row of rows('semaphores'))
      yield {
        kind: 'semaphore',
        hookGroupId: text(row.hook_group_id),
        hookId: text(row.hook_id),
        state: {
          holders: fromDocument<Record<string, number>>(text(row.holders)),
          version: Number(row.version),
        },
      };
    for (const row of rows('run_queue'))
      yield {
        kind: 'queuedRun',
        hookGroupId: text(row.hook_group_id),
        hookId: text(row.hook_id),
        run: { runId: text(row.run_id), position: text(row.position) },
      };
    for (const row of rows('hook_types'))
      yield { kind: 'hookType', record: fromDocument<HookType>(text(row.record)) };
    let sequence = 0;
    for (const row of db.prepare<[], Row>('SELECT event FROM event_outbox ORDER BY sequence').iterate())
      yield {
        kind: 'outboxEntry',
        sequence: sequence++,
        event: fromDocument<DeliveredEvent>(text(row.event)),
      };
  }

  async isEmpty(): Promise<boolean> {
    const db = this.database.connection;
    return TABLES.every((table) => db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() === undefined);
  }

  async restore(records: readonly ArchivedRecord[]): Promise<void> {
    const db = this.database.connection;
    const insert = (table: string, columns: string[]) =>
      db.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
    const sql = {
      hook: insert('hooks', ['hook_group_id', 'hook_id', 'record']),
      fire: insert('fires', ['hook_group_id', 'hook_id', 'sk', 'expires_at', 'record']),
      run: insert('runs', ['run_id', 'hook_group_id', 'hook_id', 'sk', 'finished', 'expires_at', 'record']),
      step: insert('steps', ['run_id', 'step_index', 'expires_at', 'record']),
      stepOutput: insert('step_outputs', ['run_id', 'step_index', 'expires_at', 'record']),
      idempotencyKey: insert('idempotency_keys', [
        'hook_group_id',
        'hook_id',
        'key',
        'run_id',
        'expires_at',
        'fingerprint',
      ]),
      outboxEntry: insert('event_outbox', ['event']),
      audit: insert('hook_audit', ['hook_group_id', 'hook_id', 'sk', 'record']),
      client: insert('clients', ['client_id', 'record']),
      clientAudit: insert('client_audit', ['client_id', 'sk', 'record']),
      hawkNonce: insert('hawk_nonces', ['client_id', 'nonce', 'expires_at']),
      semaphore: insert('semaphores', ['hook_group_id', 'hook_id', 'version', 'holders']),
      queuedRun: insert('run_queue', ['hook_group_id', 'hook_id', 'position', 'run_id']),
      hookType: insert('hook_types', ['name', 'record']),
      // The busy-hook index (sqliteConcurrencyStore.ts) is derived, not archived: marked again here.
      busy: db.prepare('INSERT OR IGNORE INTO busy_hooks (hook_group_id, hook_id) VALUES (?, ?)'),
    };
    const outboxEntries = records
      .flatMap((r) => (r.kind === 'outboxEntry' ? [r] : []))
      .sort((a, b) => a.sequence - b.sequence);
    this.database.transaction(() => {
      for (const entry of outboxEntries) sql.outboxEntry.run(toDocument(entry.event));
      for (const r of records) {
        switch (r.kind) {
          case 'hook':
            sql.hook.run(r.record.definition.hookGroupId, r.record.definition.hookId, toDocument(r.record));
            break;
          case 'fire': {
            const { sk } = keys.fire(r.record.hookGroupId, r.record.hookId, r.record.time, r.record.runId);
            sql.fire.run(
              r.record.hookGroupId,
              r.record.hookId,
              sk,
              r.record.expiresAt ?? null,
              toDocument(r.record),
            );
            break;
          }
          case 'run':
            sql.run.run(
              r.record.runId,
              r.record.hookGroupId,
              r.record.hookId,
              keys.runsSortKey(r.record.createdAt, r.record.runId),
              r.record.status === 'finished' ? 1 : 0,
              r.expiresAt ?? null,
              toDocument(r.record),
            );
            break;
          case 'step':
            sql.step.run(r.record.runId, r.record.index, r.expiresAt ?? null, toDocument(r.record));
            break;
          case 'stepOutput':
            sql.stepOutput.run(r.runId, r.index, r.expiresAt ?? null, toDocument(r.record));
            break;
          case 'idempotencyKey':
            sql.idempotencyKey.run(
              r.hookGroupId,
              r.hookId,
              r.key,
              r.runId,
              r.expiresAt,
              r.fingerprint ?? null,
            );
            break;
          case 'audit':
            sql.audit.run(r.record.hookGroupId, r.record.hookId, r.sortKey, toDocument(r.record));
            break;
          case 'client':
            sql.client.run(r.record.clientId, toDocument(r.record));
            break;
          case 'clientAudit':
            sql.clientAudit.run(r.record.clientId, r.sortKey, toDocument(r.record));
            break;
          case 'hawkNonce':
            sql.hawkNonce.run(r.clientId, r.nonce, r.expiresAt);
            break;
          case 'semaphore':
            sql.semaphore.run(r.hookGroupId, r.hookId, r.state.version, toDocument(r.state.holders));
            if (Object.keys(r.state.holders).length > 0) sql.busy.run(r.hookGroupId, r.hookId);
            break;
          case 'queuedRun':
            sql.queuedRun.run(r.hookGroupId, r.hookId, r.run.position, r.run.runId);
            sql.busy.run(r.hookGroupId, r.hookId);
            break;
          case 'hookType':
            sql.hookType.run(r.record.name, toDocument(r.record));
            break;
          case 'outboxEntry':
            break; // below, in their order
        }
      }
    });
  }
}
