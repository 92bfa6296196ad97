import type { HookDefinition } from '../hookDefinition.ts';
import { fireTimesBetween, nextFireTimes, previousFireTimes } from './fireTimes.ts';
import { type ParsedSchedule, parseScheduleExpression } from './grammar.ts';

/**
 * When a hook fires: the fire times of all its schedule expressions together, in its time zone, with
 * `rate(...)` grids starting at the hook's creation (EventBridge Scheduler starts invoking at once).
 *
 * This is the one place that answers "when does it fire next": the hook's status
 * (app/hookStatus.ts), the scheduler and its catch-up (app/scheduler.ts,
 * adapters/local/localScheduler.ts) and the schedule preview (api/routes/schedulePreview.ts) all ask
 * it, so they cannot disagree.
 *
 * An *occurrence* is one fire time of any of the expressions; two expressions firing at the same
 * instant are one occurrence (the run id is derived from the hook and the scheduled time).
 */
export interface HookSchedules {
  schedules: ParsedSchedule[];
  timezone: string;
  /** Where `rate(...)` grids start: the hook's creation time. */
  anchor: Date;
}

/** The hook's parsed schedules (an invalid expression, which validation prevents, is skipped). */
export function hookSchedules(
  definition: Pick<HookDefinition, 'schedule' | 'scheduleTimezone'>,
  anchor: Date,
): HookSchedules {
  const schedules: ParsedSchedule[] = [];
  for (const expression of definition.schedule) {
    const parsed = parseScheduleExpression(expression);
    if (parsed.ok) schedules.push(parsed.schedule);
  }
  return { schedules, timezone: definition.scheduleTimezone, anchor };
}

const sortedUnique = (times: Date[]): Date[] =>
  [...new Set(times.map((t) => t.getTime()))].sort((a, b) => a - b).map((t) => new Date(t));

/** The first `count` occurrences strictly after `after`, earliest first. */
export function nextOccurrences(hook: HookSchedules, after: Date, count: number): Date[] {
  const all = hook.schedules.flatMap((schedule) =>
    nextFireTimes(schedule, { timezone: hook.timezone, after, count, anchor: hook.anchor }),
  );
  return sortedUnique(all).slice(0, Math.max(0, count));
}

/** The first occurrence strictly after `after`, if any: the hook's next fire time. */
export function nextOccurrence(hook: HookSchedules, after: Date): Date | undefined {
  return nextOccurrences(hook, after, 1)[0];
}

/** Occurrences t with from < t <= to, earliest first, the first `limit`. */
export function occurrencesBetween(hook: HookSchedules, from: Date, to: Date, limit: number): Date[] {
  if (to <= from || limit <= 0) return [];
  const all = hook.schedules.flatMap((schedule) =>
    fireTimesBetween(schedule, { timezone: hook.timezone, from, to, limit, anchor: hook.anchor }),
  );
  return sortedUnique(all).slice(0, limit);
}

/** Occurrences t with from < t <= to, earliest first, the LAST `limit` of them. */
export function latestOccurrences(hook: HookSchedules, from: Date, to: Date, limit: number): Date[] {
  if (to <= from || limit <= 0) return [];
  const all = hook.schedules.flatMap((schedule) =>
    previousFireTimes(schedule, { timezone: hook.timezone, from, to, limit, anchor: hook.anchor }),
  );
  return sortedUnique(all).slice(-limit);
}

/** How many occurrences t with from < t <= to, counting at most `limit`. */
export function countOccurrences(hook: HookSchedules, from: Date, to: Date, limit: number): number {
  let count = 0;
  let cursor = from;
  while (count < limit) {
    const want = Math.min(1000, limit - count);
    const page = occurrencesBetween(hook, cursor, to, want);
    count += page.length;
    const last = page[page.length - 1];
    if (!last || page.length < want) break;
    cursor = last;
  }
  return count;
}
