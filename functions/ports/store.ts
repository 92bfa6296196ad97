import type { HookDefinition } from '../core/hookDefinition.ts';
import type { FiredBy } from '../core/runStates.ts';
import type { RunRecord, RunResult, RunSummary, StepOutput, StepRecord } from '../core/runModel.ts';
import type { RunCreation, RunCreationOutcome, RunCreationRepair } from './runCreation.ts';

/**
 * Durable state (one DynamoDB table in the cloud, functions/adapters/aws/tableLayout.ts). The DynamoDB
 * adapter runs in the cloud (and locally on request); the embedded SQLite adapter is the local
 * default; both keep one contract (test/contracts/). Since DynamoDB's does, every write is a
 * single-item (conditional) write: no transactions;
 * where several items make one fact (a new run), the port names the unit and the adapter orders it.
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
  /**
   * Whether the hook may run `command` steps: the client that last created or updated it held
   * `hooks:run-commands:<g>/<h>` (functions/app/runCommandsRight.ts). Absent on hooks stored
   * before the right existed.
   */
  runCommands?: boolean;
}

/** The fields of a HookRecord that only {@link Store.updateHookBookkeeping} writes (after createHook). */
export const HOOK_BOOKKEEPING_FIELDS = ['lastScheduledAt', 'missedOccurrences', 'outOfSync'] as const;

/** A targeted change to a hook's bookkeeping; each field given is applied, the others are left alone. */
export interface HookBookkeepingChange {
  /** The scheduler's watermark: stored only when later than the stored one (it never moves back). */
  lastScheduledAt?: string;
  /** Added to the stored `missedOccurrences` (which starts at 0). */
  addMissedOccurrences?: number;
  /** Replaces `outOfSync`; an empty list removes it. */
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

export type { RunSummary };

/** What `listRecentRuns` keeps; every field given must match. */
export interface RunFilter extends Partial<Pick<RunRecord, 'hookGroupId' | 'hookId' | 'status' | 'firedBy'>> {
  /** A finished run's result (an unfinished run's null matches no filter). */
  result?: RunResult;
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
  /**
   * Replaces the hook if its stored version is `expectedVersion`; throws ConditionFailed otherwise.
   * The bookkeeping fields (HOOK_BOOKKEEPING_FIELDS) keep their stored values, so an edit never undoes
   * what the scheduler recorded meanwhile — except a non-empty `outOfSync` the record carries: the
   * pending-sync mark (app/syncTriggers.ts) is written in the same write as the definition.
   */
  replaceHook(record: HookRecord, expectedVersion: number): Promise<void>;
  /**
   * Applies a bookkeeping change to the hook without touching its `version` (the scheduler and the
   * trigger sync never race a user's edit); one atomic write. A hook that does not exist is left so.
   */
  updateHookBookkeeping(hookGroupId: string, hookId: string, change: HookBookkeepingChange): Promise<void>;
  deleteHook(hookGroupId: string, hookId: string): Promise<void>;
  listHookGroups(): Promise<string[]>;
  listHooks(hookGroupId: string): Promise<HookRecord[]>;
  listAllHooks(): Promise<HookRecord[]>;

  putFire(fire: FireRecord): Promise<void>;
  listFires(hookGroupId: string, hookId: string, page: PageRequest): Promise<Page<FireRecord>>;
  deleteFires(hookGroupId: string, hookId: string): Promise<void>;

  /**
   * Creates a run as one unit (functions/ports/runCreation.ts): the Idempotency-Key claim, the run, its
   * pending steps, its unfinished marker and its fire record. A transactional store does it in one
   * transaction; the DynamoDB adapter in an order that `repairRunCreation` completes or undoes at any cut.
   */
  createRun(creation: RunCreation): Promise<RunCreationOutcome>;
  /**
   * Finishes what a creation cut by a crash left for `runId` (an unfinished marker without its run or
   * fire record): completes it when the run exists, else removes the leftovers (marker, steps, key
   * claim) when the creation began before `startedBefore` (older ones cannot be in flight).
   */
  repairRunCreation(runId: string, startedBefore: Date): Promise<RunCreationRepair>;
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
   * What an unexpired Idempotency-Key answers with — the run and the payload's fingerprint — if its
   * run exists (a claim whose run does not exist is a creation in flight or cut by a crash: it
   * answers nothing). The fingerprint is absent for keys recorded before fingerprints.
   */
  findIdempotentRun(hookGroupId: string, hookId: string, key: string): Promise<IdempotencyClaim | undefined>;

  putAudit(record: AuditRecord): Promise<void>;
  listAudit(hookGroupId: string, hookId: string, page: PageRequest): Promise<Page<AuditRecord>>;
}
