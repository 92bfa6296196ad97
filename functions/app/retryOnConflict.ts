import { HooklineError } from '../core/errors.ts';
import { ConditionFailed } from '../ports/store.ts';

/**
 * The one policy for a read-modify-write under a version check (Store.replaceHook,
 * ClientStore.replaceClient): when another writer got there first (ConditionFailed), read again and
 * retry, a bounded number of times, after a jittered, growing pause so concurrent writers spread out.
 * Any other error is not retried. Giving up throws VersionConflict (409) naming what kept changing.
 */
export interface ConflictRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The pause before retry n (1-based) is uniform in [0, min(maxDelayMs, baseDelayMs · 2^(n-1))). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const CONFLICT_RETRY_POLICY: ConflictRetryPolicy = { attempts: 10, baseDelayMs: 5, maxDelayMs: 200 };

/** Time, injected so unit tests need no real time; defaults to timers and Math.random. */
export interface RetryTiming {
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

const realTiming: RetryTiming = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Thrown when the retries are spent: a 409 that says what conflicted. */
export class VersionConflict extends HooklineError {
  readonly subject: string;
  readonly attempts: number;

  constructor(subject: string, attempts: number) {
    super(
      'RequestConflict',
      `${subject} is being changed concurrently: each of ${attempts} attempts found a newer version; try again`,
      { subject, attempts },
    );
    this.subject = subject;
    this.attempts = attempts;
  }
}

/** The pause before retry `retry` (1-based) under `policy`, given a uniform draw in [0, 1). */
export function conflictBackoffMs(policy: ConflictRetryPolicy, retry: number, draw: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(draw * ceiling);
}

/**
 * Runs `attempt` (which reads the current version, writes under its check and may throw
 * ConditionFailed) until it returns, retrying on ConditionFailed only. `subject` names what is
 * written, e.g. `hook ops/nightly`, for the error when the retries are spent.
 */
export async function retryOnConflict<T>(
  subject: string,
  attempt: (attemptNumber: number) => Promise<T>,
  options: { policy?: ConflictRetryPolicy; timing?: RetryTiming } = {},
): Promise<T> {
  const policy = options.policy ?? CONFLICT_RETRY_POLICY;
  const timing = options.timing ?? realTiming;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      if (n >= policy.attempts) throw new VersionConflict(subject, n);
      await timing.sleep(conflictBackoffMs(policy, n, timing.random()));
    }
  }
}
