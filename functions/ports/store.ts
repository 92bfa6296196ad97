import type { HookDefinition } from '../core/hookDefinition.ts';
import type { FiredBy } from '../core/render.ts';
import type { RunRecord, RunResult, RunStatus, StepOutput, StepRecord } from '../core/runModel.ts';

/**
 * Durable state (DESIGN.md §2: one DynamoDB table). The same adapter runs against DynamoDB in the
 * cloud and dynalite locally, so every write is a single-item (conditional) write: no transactions.
 */

export interface HookRecord {
  definition: HookDefinition;
  /** SHA-256 of the trigger token; the token itself is never stored. */
  triggerTokenHash: string;
  /** Random per-hook nonce the token is derived from (with the service's token key); reset makes a new one. */
  triggerTokenNonce: string;
  createdAt: string;
  updatedAt: string;
  /** Incremented by every change; conditional writes use it so concurrent changes never lose each other. */
  version: number;
  /** The hook's stored config (may be changed by steps), versioned on its own. */
  configVersion: number;
  /** Secret for signing the hook's http steps (HMAC-SHA256). */
  signingSecret: string;
  /** Scheduler bookkeeping: the last occurrence handled, and how many were missed. */
  lastScheduledAt?: string;
  missedOccurrences?: number;
  /** Cloud drift between the hook and its rules/schedules, repaired by reconcile. */
  outOfSync?: string[];
}

export type FireResult = 'success' | 'error' | 'declined' | 'skipped-concurrency' | 'queued';

export interface FireRecord {
  hookGroupId: string;
  hookId: string;
  firedBy: FiredBy;
  time: string;
  runId: string;
  result: FireResult;
  error?: string;
  clientId?: string;
  expiresAt?: number;
}

export interface RunSummary {
  runId: string;
  hookGroupId: string;
  hookId: string;
  firedBy: FiredBy;
  status: RunStatus;
  result: RunResult | null;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** What `listRecentRuns` keeps; every field given must match. */
export interface RunFilter {
  hookGroupId?: string;
  hookId?: string;
  status?: RunStatus;
  result?: RunResult;
  firedBy?: FiredBy;
  /** createdAt >= since (ISO 8601 as `Date.toISOString()` writes it). */
  since?: string;
  /** createdAt < until (same form). */
  until?: string;
}

export interface AuditRecord {
  hookGroupId: string;
  hookId: string;
  time: string;
  action: string;
  clientId?: string;
  runId?: string;
  changes?: unknown;
}

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface PageRequest {
  limit: number;
  continuationToken?: string;
}

/** The run an Idempotency-Key was first used for, and that fire's payload fingerprint. */
export interface IdempotencyClaim {
  runId: string;
  fingerprint?: string;
}

export class ConditionFailed extends Error {
  constructor(message = 'the item changed or exists') {
    super(message);
    this.name = 'ConditionFailed';
  }
}

export interface Store {
  getHook(hookGroupId: string, hookId: string): Promise<HookRecord | undefined>;
  /** Creates the hook; throws ConditionFailed when it exists. */
  createHook(record: HookRecord): Promise<void>;
  /** Replaces the hook if its stored version is `expectedVersion`; throws ConditionFailed otherwise. */
  replaceHook(record: HookRecord, expectedVersion: number): Promise<void>;
  deleteHook(hookGroupId: string, hookId: string): Promise<void>;
  listHookGroups(): Promise<string[]>;
  listHooks(hookGroupId: string): Promise<HookRecord[]>;
  listAllHooks(): Promise<HookRecord[]>;

  putFire(fire: FireRecord): Promise<void>;
  listFires(hookGroupId: string, hookId: string, page: PageRequest): Promise<Page<FireRecord>>;
  deleteFires(hookGroupId: string, hookId: string): Promise<void>;

  /** Creates the run and its pending steps; throws ConditionFailed when the run exists. */
  createRun(run: RunRecord, steps: StepRecord[], expiresAt?: number): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Sets fields of the run; with `onlyIf`, only when those fields currently have those values. */
  updateRun(
    runId: string,
    changes: Partial<RunRecord>,
    onlyIf?: Partial<Record<keyof RunRecord, unknown>>,
  ): Promise<void>;
  listRuns(hookGroupId: string, hookId: string, page: PageRequest): Promise<Page<RunSummary>>;
  /**
   * Runs across hooks, newest first (createdAt, then runId, descending), matching `filter`: one
   * indexed read a page (DynamoDB: the `gsi2` index of all runs by `createdAt#runId`, or `gsi1` when
   * both hookGroupId and hookId are given; since/until bound the sort key; the rest are filter
   * expressions). A page may hold fewer than `page.limit` runs (even none) and still have a
   * continuationToken: the filters apply to the `limit` runs read.
   */
  listRecentRuns(filter: RunFilter, page: PageRequest): Promise<Page<RunSummary>>;
  /** Runs created and not yet finished (a run leaves this list when its status becomes finished). */
  listUnfinishedRunIds(): Promise<string[]>;

  getSteps(runId: string): Promise<StepRecord[]>;
  getStep(runId: string, index: number): Promise<StepRecord | undefined>;
  /** Sets fields of a step; with `onlyIf`, only when those fields currently have those values. */
  updateStep(
    runId: string,
    index: number,
    changes: Partial<StepRecord>,
    onlyIf?: Partial<Record<keyof StepRecord, unknown>>,
  ): Promise<void>;
  /** `expiresAt` (epoch seconds): when the output may be deleted (DynamoDB TTL; the local sweeper). */
  putStepOutput(runId: string, index: number, output: StepOutput, expiresAt?: number): Promise<void>;
  getStepOutput(runId: string, index: number): Promise<StepOutput | undefined>;

  /**
   * Records `runId` and the payload's `fingerprint` for the key unless one is recorded and not expired;
   * returns what is recorded when so (its fingerprint absent for keys recorded before fingerprints).
   */
  claimIdempotencyKey(
    hookGroupId: string,
    hookId: string,
    key: string,
    runId: string,
    expiresAt: number,
    fingerprint: string,
  ): Promise<IdempotencyClaim | undefined>;
  /** Forgets the key if it still records `runId` (the fire it guarded started nothing: declined or refused). */
  releaseIdempotencyKey(hookGroupId: string, hookId: string, key: string, runId: string): Promise<void>;

  putAudit(record: AuditRecord): Promise<void>;
  listAudit(hookGroupId: string, hookId: string, page: PageRequest): Promise<Page<AuditRecord>>;
}
