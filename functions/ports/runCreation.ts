import type { RunRecord, StepRecord } from '../core/runModel.ts';
import type { FireRecord } from './store.ts';

/**
 * A new run as one unit of the store (Store.createRun): whatever instant the process dies, either all
 * of it exists or recovery (functions/app/recoverRuns.ts) makes it so or removes it — an
 * Idempotency-Key never answers with a run that does not exist, a run never exists without its steps.
 */
export interface RunCreation {
  run: RunRecord;
  /** The run's steps, all `pending`. */
  steps: StepRecord[];
  /** The fire that created the run (`result: success`); its `time` is the run's `createdAt`. */
  fire: FireRecord;
  /**
   * The caller's Idempotency-Key, claimed for the run until `expiresAt` (epoch seconds), with the
   * payload's fingerprint (core/payloadFingerprint.ts): the same key with another payload is a conflict.
   */
  idempotency?: { key: string; expiresAt: number; fingerprint: string };
  /** Epoch seconds when the run's records may be deleted (TTL). */
  expiresAt?: number;
}

export type RunCreationOutcome =
  | { kind: 'created' }
  /** The run id exists already (a derived id: this occurrence was fired before). */
  | { kind: 'run-exists' }
  /** The Idempotency-Key answers with this run (which exists). */
  | { kind: 'key-taken'; runId: string; fingerprint?: string }
  /** Another creation holds the key and has not finished yet: retry shortly. */
  | { kind: 'key-busy' };

export type RunCreationRepair =
  /** The run exists with everything it needs (what was missing has been written). */
  | 'complete'
  /** The run never came to exist: its leftovers are gone (it was never acknowledged). */
  | 'discarded'
  /** Too young to judge: its creation may still be under way. */
  | 'in-progress'
  /** Nothing is recorded for this run id (or it is finished). */
  | 'none';
