import { type CronMatcher, toCron } from './cronMatcher.ts';
import { type ParsedSchedule, RATE_UNIT_MS, type RateUnit, wallClockOf } from './grammar.ts';
import {
  checkTimezone,
  DAY_MS,
  firstInstantOfWallClock,
  offsetMs,
  resolveWallClock,
  wallClockMs,
} from './timezone.ts';

/**
 * When one schedule expression fires: its next fire times, and its fire times in a window.
 * Pure: no I/O, no timers, no clock. Every time comes from the caller.
 *
 * Time semantics
 * - Cron (AWS and Unix) fields are read as wall-clock time in the schedule's time zone. Daylight saving
 *   time follows EventBridge Scheduler's documented rule, for every cron job alike: a wall-clock time
 *   that does not exist (spring forward) is skipped, and a wall-clock time that occurs twice (fall back)
 *   fires once, at its first occurrence. So a daily 02:30 job in Europe/Berlin does not fire on the
 *   spring-forward day and fires once on the fall-back day, and an every-30-minutes job does not repeat
 *   the repeated hour.
 * - `rate` is a fixed duration (a day is 24 hours, whatever DST does, as in EventBridge Scheduler). Fire
 *   times are `anchor + k * period` for k >= 0, where the anchor is the time the schedule was created
 *   (EventBridge Scheduler starts invoking at once when there is no start date). Without an anchor, the
 *   grid is aligned to the minute of the reference time (`after`, or `from` for windows), not to the
 *   epoch. The anchor is always truncated to a whole minute (schedules have one-minute precision).
 * - `at` fires once. A wall-clock time that occurs twice means its first occurrence; one in a
 *   spring-forward gap is moved forward by the length of the gap (as java.time and Temporal do), so a
 *   one-time schedule never silently disappears.
 *
 * A hook's several expressions together are ./hookSchedules.ts.
 */

/** The most fire times one call returns. */
export const MAX_FIRE_TIMES = 1000;

const MINUTE_MS = RATE_UNIT_MS.minute;

export interface NextFireOptions {
  timezone: string;
  /** Fire times are strictly after this. */
  after: Date;
  /** How many (at most MAX_FIRE_TIMES). */
  count: number;
  /** For rate(...): when the schedule was created. Default: the minute of `after`. */
  anchor?: Date;
}

export interface FireWindowOptions {
  timezone: string;
  /** Exclusive lower bound. */
  from: Date;
  /** Inclusive upper bound. */
  to: Date;
  /** How many (at most MAX_FIRE_TIMES). */
  limit: number;
  /** For rate(...): when the schedule was created. Default: the minute of `from`. */
  anchor?: Date;
}

/** A bounded query: fire times t with lowMs < t <= highMs, the first or last `limit` of them. */
interface Window {
  timezone: string;
  lowMs: number;
  highMs: number;
  limit: number;
  anchor: Date | undefined;
}

/** Guards the cron walks against pathological zones; DST gaps only ever skip a day's worth. */
const MAX_SKIPPED_CANDIDATES = 10_000;
/** Years before this are not searched backwards (AWS years start at 1970). */
const EARLIEST_MS = Date.UTC(1970, 0, 1);

function boundedLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit <= 0) return 0;
  return Math.min(Math.floor(limit), MAX_FIRE_TIMES);
}

function timeOf(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

/** Cron fire times in the window, earliest first. */
function cronFirst(matcher: CronMatcher, w: Window): number[] {
  const cron = toCron(matcher);
  const times: number[] = [];
  // A wall clock before the wall clock of lowMs never fires after lowMs (see nextFireTimes' notes).
  let cursor: Date | null = new Date(Math.floor(wallClockMs(w.lowMs, w.timezone) / 1000) * 1000 - 1000);
  let skipped = 0;
  while (times.length < w.limit && skipped <= MAX_SKIPPED_CANDIDATES) {
    cursor = cron.nextRun(cursor);
    if (!cursor) break;
    const instant = firstInstantOfWallClock(cursor.getTime(), w.timezone);
    if (instant === null || instant <= w.lowMs) {
      skipped++;
      continue;
    }
    if (instant > w.highMs) break;
    times.push(instant);
  }
  return times;
}

/** Cron fire times in the window, latest first. */
function cronLast(matcher: CronMatcher, w: Window): number[] {
  const cron = toCron(matcher);
  const times: number[] = [];
  // A wall clock up to (highMs + the largest recent offset) can first occur at or before highMs.
  const slack = Math.max(offsetMs(w.highMs, w.timezone), offsetMs(w.highMs - DAY_MS, w.timezone));
  let cursor: Date | null = new Date(w.highMs + slack + 1000);
  let skipped = 0;
  const lowMs = Math.max(w.lowMs, EARLIEST_MS - DAY_MS);
  while (times.length < w.limit && skipped <= MAX_SKIPPED_CANDIDATES) {
    cursor = cron.previousRuns(1, cursor)[0] ?? null;
    if (!cursor) break;
    const instant = firstInstantOfWallClock(cursor.getTime(), w.timezone);
    if (instant === null || instant > w.highMs) {
      skipped++;
      continue;
    }
    if (instant <= lowMs) break;
    times.push(instant);
  }
  return times;
}

function ratePeriod(schedule: { value: number; unit: RateUnit }): number {
  return schedule.value * RATE_UNIT_MS[schedule.unit];
}

function rateAnchor(w: Window): number {
  const anchor = w.anchor === undefined ? w.lowMs : timeOf(w.anchor, 'anchor');
  return Math.floor(anchor / MINUTE_MS) * MINUTE_MS;
}

function rateFirst(schedule: { value: number; unit: RateUnit }, w: Window): number[] {
  const period = ratePeriod(schedule);
  const anchor = rateAnchor(w);
  const times: number[] = [];
  const firstK = Math.max(0, Math.floor((w.lowMs - anchor) / period) + 1);
  for (let k = firstK; times.length < w.limit; k++) {
    const t = anchor + k * period;
    if (t > w.highMs) break;
    times.push(t);
  }
  return times;
}

function rateLast(schedule: { value: number; unit: RateUnit }, w: Window): number[] {
  const period = ratePeriod(schedule);
  const anchor = rateAnchor(w);
  const times: number[] = [];
  for (let k = Math.floor((w.highMs - anchor) / period); k >= 0 && times.length < w.limit; k--) {
    const t = anchor + k * period;
    if (t <= w.lowMs) break;
    times.push(t);
  }
  return times;
}

function atTimes(time: string, w: Window): number[] {
  const { year, month, day, hour, minute, second } = wallClockOf(time);
  const instant = resolveWallClock(Date.UTC(year, month - 1, day, hour, minute, second), w.timezone);
  return w.limit > 0 && instant > w.lowMs && instant <= w.highMs ? [instant] : [];
}

/** Fire times in the window: the first `limit` (earliest first) or the last `limit` (latest first). */
function fireTimesInWindow(schedule: ParsedSchedule, w: Window, end: 'first' | 'last'): number[] {
  if (w.limit === 0 || w.highMs <= w.lowMs) return [];
  switch (schedule.kind) {
    case 'cron':
    case 'unix':
      return end === 'first' ? cronFirst(schedule.matcher, w) : cronLast(schedule.matcher, w);
    case 'rate':
      return end === 'first' ? rateFirst(schedule, w) : rateLast(schedule, w);
    case 'at':
      return atTimes(schedule.time, w);
  }
}

function windowOf(opts: FireWindowOptions): Window {
  checkTimezone(opts.timezone);
  return {
    timezone: opts.timezone,
    lowMs: timeOf(opts.from, 'from'),
    highMs: timeOf(opts.to, 'to'),
    limit: boundedLimit(opts.limit),
    anchor: opts.anchor,
  };
}

const toDates = (times: number[]): Date[] => times.map((t) => new Date(t));

/**
 * The next `count` (at most MAX_FIRE_TIMES) fire times strictly after `after`, earliest first.
 * A schedule that never fires again (e.g. `cron(0 0 30 FEB ? *)`, a past at(...)) gives [].
 *
 * Cron walks the wall clock from the wall clock of `after`: with first-occurrence semantics the fire
 * instants grow with the wall clock, and no earlier wall clock can first occur after `after`.
 */
export function nextFireTimes(schedule: ParsedSchedule, opts: NextFireOptions): Date[] {
  checkTimezone(opts.timezone);
  const window: Window = {
    timezone: opts.timezone,
    lowMs: timeOf(opts.after, 'after'),
    highMs: Number.MAX_SAFE_INTEGER,
    limit: boundedLimit(opts.count),
    anchor: opts.anchor,
  };
  return toDates(fireTimesInWindow(schedule, window, 'first'));
}

/**
 * Fire times t with from < t <= to, ascending, the EARLIEST `limit` of them (at most MAX_FIRE_TIMES).
 * To page through a long outage, call again with `from` = the last time returned.
 */
export function fireTimesBetween(schedule: ParsedSchedule, opts: FireWindowOptions): Date[] {
  return toDates(fireTimesInWindow(schedule, windowOf(opts), 'first'));
}

/**
 * Fire times t with from < t <= to, ascending, the LATEST `limit` of them (at most MAX_FIRE_TIMES):
 * `limit: 1` gives the most recent missed occurrence (catch-up `latest`).
 */
export function previousFireTimes(schedule: ParsedSchedule, opts: FireWindowOptions): Date[] {
  return toDates(fireTimesInWindow(schedule, windowOf(opts), 'last').reverse());
}
