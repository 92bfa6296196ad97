import type { DeliveredEvent } from './bus.ts';
import type { HookType } from '../core/hookType.ts';
import type { RunRecord, StepOutput, StepRecord } from '../core/runModel.ts';
import type { ClientAuditRecord, ClientRecord } from './clientStore.ts';
import type { QueuedRun, SemaphoreState } from './concurrencyStore.ts';
import type { AuditRecord, FireRecord, HookRecord } from './store.ts';

/**
 * Every record of every store port as a self-describing value: what `hookline export` writes (one JSON
 * line each) and `hookline import` reads back into an empty store of either kind (infra/local/
 * dataTransfer.ts). `expiresAt` is the record's TTL (epoch seconds), absent when it never expires;
 * `sortKey` keeps the order of audit records written in the same millisecond; an outbox entry's
 * `sequence` (0, 1, …) is its place in the outbox's acceptance order (ports/eventOutbox.ts).
 */
export type ArchivedRecord =
  | { kind: 'hook'; record: HookRecord }
  | { kind: 'fire'; record: FireRecord }
  | { kind: 'run'; record: RunRecord; expiresAt?: number }
  | { kind: 'step'; record: StepRecord; expiresAt?: number }
  | { kind: 'stepOutput'; runId: string; index: number; record: StepOutput; expiresAt?: number }
  | {
      kind: 'idempotencyKey';
      hookGroupId: string;
      hookId: string;
      key: string;
      runId: string;
      expiresAt: number;
      /** The payload's fingerprint (absent for keys recorded before fingerprints). */
      fingerprint?: string;
    }
  | { kind: 'audit'; sortKey: string; record: AuditRecord }
  | { kind: 'client'; record: ClientRecord }
  | { kind: 'clientAudit'; sortKey: string; record: ClientAuditRecord }
  | { kind: 'hawkNonce'; clientId: string; nonce: string; expiresAt: number }
  | { kind: 'semaphore'; hookGroupId: string; hookId: string; state: SemaphoreState }
  | { kind: 'queuedRun'; hookGroupId: string; hookId: string; run: QueuedRun }
  | { kind: 'hookType'; record: HookType }
  | { kind: 'outboxEntry'; sequence: number; event: DeliveredEvent };

export type ArchivedKind = ArchivedRecord['kind'];

/** Reading and writing a whole store, record by record (offline: the stack is not running). */
export interface RecordArchive {
  /** Every record the store holds, expired ones not yet swept included. */
  records(): AsyncIterable<ArchivedRecord>;
  /** Whether the store holds no record at all. */
  isEmpty(): Promise<boolean>;
  /** Writes the records exactly as given (into an empty store). */
  restore(records: readonly ArchivedRecord[]): Promise<void>;
}
