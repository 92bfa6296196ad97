import { DEFAULT_STEP_TIMEOUT_SECONDS, type Job } from './job.ts';
import { planSteps } from './jobFlow.ts';

/**
 * Pure rules of the per-hook semaphore: leases, expiry, whether a run may take a slot.
 * A lease outlives the longest the run can legitimately take, so only a lost run lets it expire.
 */
export const LEASE_MARGIN_SECONDS = 300;
export const MAX_LEASE_SECONDS = 8 * 24 * 3600;

export function leaseSeconds(job: Job): number {
  if (job.timeoutSeconds) return Math.min(MAX_LEASE_SECONDS, job.timeoutSeconds + LEASE_MARGIN_SECONDS);
  const worst = planSteps(job).reduce((sum, s) => {
    const attempts = (s.step.retry?.attempts ?? 0) + 1;
    const backoff = (s.step.retry?.backoffSeconds ?? 1) * (2 ** attempts - 1);
    return sum + (s.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS) * attempts + backoff;
  }, 0);
  return Math.min(MAX_LEASE_SECONDS, worst + LEASE_MARGIN_SECONDS);
}

/** Holders whose lease has not expired. */
export function liveHolders(holders: Record<string, number>, nowMs: number): Record<string, number> {
  return Object.fromEntries(Object.entries(holders).filter(([, expiry]) => expiry > nowMs));
}

export type AcquireDecision = 'already-held' | 'acquire' | 'full';

export function acquireDecision(
  holders: Record<string, number>,
  limit: number,
  runId: string,
  nowMs: number,
): AcquireDecision {
  const live = liveHolders(holders, nowMs);
  if (runId in live) return 'already-held';
  return Object.keys(live).length < limit ? 'acquire' : 'full';
}
