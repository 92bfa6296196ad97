/**
 * Time zones: IANA names, and the arithmetic between an instant and the wall clock it shows.
 * A wall-clock time can show at no instant (a spring-forward gap) or at two (a fall-back overlap).
 */

/** A day in milliseconds (the search span around an offset change). */
export const DAY_MS = 86_400_000;

const TIMEZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** An IANA time zone name that Intl knows, spelt with its proper case (`Europe/Berlin`, `UTC`). */
export function validateTimezone(tz: string): boolean {
  if (!TIMEZONE_SHAPE.test(tz)) return false;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    return resolved === tz || resolved.toLowerCase() !== tz.toLowerCase();
  } catch {
    return false;
  }
}

/** Throws a RangeError naming an unknown time zone. */
export function checkTimezone(timezone: string): void {
  if (!validateTimezone(timezone)) throw new RangeError(`unknown time zone '${timezone}'`);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The wall clock at `instantMs` in `timezone`, as milliseconds of the same fields read as UTC. */
export function wallClockMs(instantMs: number, timezone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  const wholeSeconds = Date.UTC(year, month - 1, day, hour, minute, second);
  return wholeSeconds + (((instantMs % 1000) + 1000) % 1000);
}

export function offsetMs(instantMs: number, timezone: string): number {
  return wallClockMs(instantMs, timezone) - instantMs;
}

/**
 * The instants showing wall clock `wallMs` in `timezone`, earliest first: none in a spring-forward gap,
 * two in a fall-back overlap. Assumes at most one offset change within a day of it (true of tzdb).
 */
function instantsOfWallClock(wallMs: number, timezone: string): number[] {
  const before = wallMs - offsetMs(wallMs - DAY_MS, timezone);
  const after = wallMs - offsetMs(wallMs + DAY_MS, timezone);
  const candidates = [...new Set([before, after])].sort((a, b) => a - b);
  return candidates.filter((instant) => wallClockMs(instant, timezone) === wallMs);
}

/** The first instant showing `wallMs`, or null when that wall clock does not exist (skipped). */
export function firstInstantOfWallClock(wallMs: number, timezone: string): number | null {
  return instantsOfWallClock(wallMs, timezone)[0] ?? null;
}

/** Like firstInstantOfWallClock, but a time in a gap moves forward by the length of the gap. */
export function resolveWallClock(wallMs: number, timezone: string): number {
  return firstInstantOfWallClock(wallMs, timezone) ?? wallMs - offsetMs(wallMs - DAY_MS, timezone);
}
