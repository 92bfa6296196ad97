import type { HookDefinition } from '../core/hookDefinition.ts';
import {
  countOccurrences,
  type HookSchedules,
  latestOccurrences,
  occurrencesBetween,
} from '../core/schedule/hookSchedules.ts';

/**
 * When a hook's schedules are due, and what to do about occurrences that were missed (its `catchUp`,
 * README.md "Events and schedules"). Pure: every time comes from the caller; the occurrences themselves
 * come from core/schedule/hookSchedules.ts; the local scheduler (adapters/local/localScheduler.ts)
 * runs it on a timer.
 *
 * Vocabulary
 * - An *occurrence* is one fire time of any of the hook's expressions (two expressions firing at the same
 *   instant are one occurrence: the run id is derived from (hook, scheduled time)).
 * - The *watermark* (`HookRecord.lastScheduledAt`) is the latest occurrence handled; every occurrence at or
 *   before it has been fired, declined, or skipped by the catch-up policy. A new hook starts at its
 *   `createdAt`; a hook whose schedules change starts again at the time of the change.
 * - An occurrence is *missed* when the scheduler was not there to fire it on time: it came before the
 *   scheduler started (the local stack was down), or it is more than `lateAfterMs` (default 60 s) overdue
 *   (the process was suspended, e.g. a laptop asleep). Every other occurrence is *due* and fires.
 *
 * Missed occurrences follow the hook's `catchUp` policy:
 * - `none`: none of them runs;
 * - `latest` (default): one run, for the most recent missed time;
 * - `all`: each of them runs, oldest first, but at most the latest {@link MAX_CATCH_UP_RUNS} (1000) of
 *   them — an outage of a year on a per-minute schedule does not start half a million runs.
 * Whatever the policy, the number missed is added to `missedOccurrences` (counted exactly up to
 * {@link MISSED_COUNT_LIMIT} per outage and expression set; a longer outage adds that limit).
 */

/** The most missed occurrences `catchUp: all` runs after one outage (the latest ones). */
export const MAX_CATCH_UP_RUNS = 1000;
/** Missed occurrences are counted exactly up to this many per outage. */
export const MISSED_COUNT_LIMIT = 10_000;
/** An occurrence overdue by more than this is missed even while the scheduler runs (default). */
export const DEFAULT_LATE_AFTER_MS = 60_000;
/** At most this many due occurrences of one hook fire in one pass; the rest follow in the next. */
export const MAX_DUE_PER_PASS = 1000;

export type CatchUp = HookDefinition['catchUp'];

/** What decides when a hook fires: a change to it restarts the hook's watermark. */
export function scheduleSignature(definition: HookDefinition): string {
  return JSON.stringify([definition.schedule, definition.scheduleTimezone]);
}

export interface DueInput {
  hook: HookSchedules;
  catchUp: CatchUp;
  /** Every occurrence at or before this was handled. */
  watermark: Date;
  now: Date;
  /** When the scheduler started: occurrences before it were missed. */
  startedAt: Date;
  lateAfterMs?: number;
  maxDuePerPass?: number;
}

export interface DuePlan {
  /** The occurrences to fire now, oldest first: the catch-up runs, then the due ones. */
  fire: Date[];
  /** Missed occurrences found in this plan (counted up to MISSED_COUNT_LIMIT). */
  missed: number;
  /** The new watermark (undefined: nothing was handled, keep the old one). */
  handledUpTo?: Date;
  /** More due occurrences are left for the next pass (more than maxDuePerPass were due). */
  more: boolean;
}

/** Which occurrences fire now, how many were missed, and how far the watermark moves. */
export function planDue(input: DueInput): DuePlan {
  const { hook, watermark, now } = input;
  const lateAfterMs = input.lateAfterMs ?? DEFAULT_LATE_AFTER_MS;
  const maxDue = input.maxDuePerPass ?? MAX_DUE_PER_PASS;
  // Occurrences before the cutoff are missed, the ones from it up to now are due.
  const cutoffMs = Math.min(now.getTime(), Math.max(input.startedAt.getTime(), now.getTime() - lateAfterMs));
  const lastMissedMs = cutoffMs - 1;
  const fire: Date[] = [];
  let missed = 0;
  let handledUpTo: Date | undefined;

  if (lastMissedMs > watermark.getTime()) {
    const missedTo = new Date(lastMissedMs);
    const [latest] = latestOccurrences(hook, watermark, missedTo, 1);
    if (latest) {
      missed = countOccurrences(hook, watermark, missedTo, MISSED_COUNT_LIMIT);
      if (input.catchUp === 'latest') fire.push(latest);
      if (input.catchUp === 'all')
        fire.push(...latestOccurrences(hook, watermark, missedTo, MAX_CATCH_UP_RUNS));
      handledUpTo = latest;
    }
  }

  const dueFrom = new Date(Math.max(watermark.getTime(), lastMissedMs));
  const due = occurrencesBetween(hook, dueFrom, now, maxDue);
  fire.push(...due);
  const lastDue = due[due.length - 1];
  if (lastDue) handledUpTo = lastDue;
  return { fire, missed, handledUpTo, more: due.length >= maxDue };
}
