import { Cron } from 'croner';

/**
 * Schedule expressions (DESIGN.md §3.1): parsing, normalising and computing fire times.
 *
 * Pure: no I/O, no timers, no clock. Every time comes from the caller.
 *
 * Accepted forms
 * - AWS `cron(minutes hours day-of-month month day-of-week year)`: `?`, `L`, `LW`, `nW`, `n#k`, `nL`
 *   (last weekday n of the month), names JAN-DEC and SUN-SAT, ranges (day-of-week and month ranges may
 *   wrap, e.g. `FRI-MON`, `NOV-FEB`), steps (`*\/5`, `0/15`, `5-50/5`), lists, years 1970-2199,
 *   day-of-week 1 = Sunday ... 7 = Saturday, a bare `L` in day-of-week = 7 (Saturday), and exactly one of
 *   day-of-month / day-of-week must be `?`.
 * - AWS `rate(N minute|minutes|hour|hours|day|days)`: singular unit only for 1, plural otherwise.
 * - AWS `at(yyyy-mm-ddThh:mm:ss)`: one time, wall clock in the schedule's time zone.
 * - Unix 5-field cron (Vixie): names, ranges, steps, lists, day-of-week 0 and 7 = Sunday. As in Vixie
 *   cron, when both day fields are restricted a day matches either of them, unless one of them starts
 *   with `*` (e.g. `*\/2`), in which case both must match.
 * - Taskcluster's 6-field cron whose leading seconds field is `0`; it is normalised to 5 fields.
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
 */

export type RateUnit = 'minute' | 'hour' | 'day';

/** The fields of an accepted cron expression, as normalised (upper case, single values as written). */
export interface UnixCronFields {
  minute: string;
  hour: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
}

export interface AwsCronFields extends UnixCronFields {
  year: string;
}

/** What croner evaluates: a 7-part pattern (seconds ... year, Sunday = 0) in wall-clock time. */
export interface CronMatcher {
  pattern: string;
  /** true: a day must match both day-of-month and day-of-week; false: either (Vixie's OR). */
  domAndDow: boolean;
}

export type ScheduleExpression =
  | { kind: 'cron'; expression: string; fields: AwsCronFields; matcher: CronMatcher }
  | { kind: 'unix'; expression: string; fields: UnixCronFields; matcher: CronMatcher }
  | { kind: 'rate'; expression: string; value: number; unit: RateUnit }
  | { kind: 'at'; expression: string; time: string };

/** A parsed schedule; `expression` is its canonical (stored) form. */
export type ParsedSchedule = ScheduleExpression;

export type ParseResult = { ok: true; schedule: ParsedSchedule } | { ok: false; message: string };

/** The most fire times one call returns. */
export const MAX_FIRE_TIMES = 1000;

type Failure = { ok: false; message: string };
type Result<T> = { ok: true; value: T } | Failure;

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (message: string): Failure => ({ ok: false, message });

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
  /** Ranges whose start is after their end wrap around (FRI-MON, NOV-FEB). */
  wraps?: boolean;
  /** The last value of the cycle a wrapping range goes round (Unix day-of-week: 6, as 7 = 0). */
  cycleMax?: number;
  /** Quartz/AWS `a/n`, meaning `a-max/n`. */
  startStep?: boolean;
  /** Appended to the message for a value that is not one. */
  hint?: string;
}

const MONTH_NAMES: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const AWS_DAY_NAMES = Object.fromEntries(DAY_NAMES.map((name, i) => [name, i + 1]));
const UNIX_DAY_NAMES = Object.fromEntries(DAY_NAMES.map((name, i) => [name, i]));

const AWS_SPECS = {
  minute: { label: 'minutes', min: 0, max: 59, startStep: true },
  hour: { label: 'hours', min: 0, max: 23, startStep: true },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31, startStep: true },
  month: { label: 'month', min: 1, max: 12, names: MONTH_NAMES, wraps: true, startStep: true },
  dayOfWeek: { label: 'day-of-week', min: 1, max: 7, names: AWS_DAY_NAMES, wraps: true, startStep: true },
  year: { label: 'year', min: 1970, max: 2199, startStep: true },
} satisfies Record<keyof AwsCronFields, FieldSpec>;

const UNIX_HINT = "'?', 'L', 'W' and '#' are only supported in AWS cron(...) expressions";
const UNIX_SPECS = {
  minute: { label: 'minute', min: 0, max: 59, hint: UNIX_HINT },
  hour: { label: 'hour', min: 0, max: 23, hint: UNIX_HINT },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31, hint: UNIX_HINT },
  month: { label: 'month', min: 1, max: 12, names: MONTH_NAMES, wraps: true, hint: UNIX_HINT },
  dayOfWeek: {
    label: 'day-of-week',
    min: 0,
    max: 7,
    names: UNIX_DAY_NAMES,
    wraps: true,
    cycleMax: 6,
    hint: UNIX_HINT,
  },
} satisfies Record<keyof UnixCronFields, FieldSpec>;

function fieldError(spec: FieldSpec, raw: string, problem: string): Failure {
  return fail(`${spec.label} field '${raw}': ${problem}`);
}

function describeAllowed(spec: FieldSpec): string {
  const names = spec.names ? Object.keys(spec.names) : [];
  const range = `${spec.min}-${spec.max}`;
  return names.length > 0 ? `${range} or ${names[0]}-${names[names.length - 1]}` : range;
}

/** One value: digits or a name. */
function parseValue(token: string, spec: FieldSpec): Result<number> {
  let value: number | undefined;
  if (/^\d+$/.test(token)) value = Number(token);
  else if (spec.names && Object.hasOwn(spec.names, token)) value = spec.names[token];
  if (value === undefined) {
    const hint = spec.hint && /^(\?|\d*L|\d*W|LW)$|#/.test(token) ? `; ${spec.hint}` : '';
    return fail(`'${token}' is not a valid value (expected ${describeAllowed(spec)})${hint}`);
  }
  if (value < spec.min || value > spec.max) {
    return fail(`${value} is out of range (expected ${describeAllowed(spec)})`);
  }
  return ok(value);
}

function parseStep(text: string, spec: FieldSpec): Result<number> {
  if (!/^\d+$/.test(text) || Number(text) < 1) return fail(`step '${text}' must be a positive integer`);
  const step = Number(text);
  const span = spec.max - spec.min + 1;
  if (step > span) return fail(`step ${step} is larger than the field's range ${spec.min}-${spec.max}`);
  return ok(step);
}

/** The values from `start` to `end` (wrapping round the cycle if start > end), every `step`-th. */
function expandRange(start: number, end: number, step: number, spec: FieldSpec): Result<number[]> {
  const sequence: number[] = [];
  if (start <= end) {
    for (let v = start; v <= end; v++) sequence.push(v);
  } else if (spec.wraps) {
    const cycleMax = spec.cycleMax ?? spec.max;
    for (let v = start; v <= cycleMax; v++) sequence.push(v);
    for (let v = spec.min; v <= end; v++) sequence.push(v);
  } else {
    return fail(`range ${start}-${end} starts after it ends`);
  }
  return ok(sequence.filter((_, i) => i % step === 0));
}

/** `[start, end]` of a range or single value before any step. */
function parseBase(base: string, spec: FieldSpec): Result<{ start: number; end: number; single: boolean }> {
  if (base === '*') return ok({ start: spec.min, end: spec.max, single: false });
  const bounds = base.split('-');
  if (bounds.length > 2) return fail(`'${base}' is not a valid range`);
  const start = parseValue(bounds[0] ?? '', spec);
  if (!start.ok) return start;
  if (bounds.length === 1) return ok({ start: start.value, end: start.value, single: true });
  const end = parseValue(bounds[1] ?? '', spec);
  if (!end.ok) return end;
  return ok({ start: start.value, end: end.value, single: false });
}

/** One list item: `*`, `v`, `a-b`, each optionally `/step`. */
function parseItem(item: string, spec: FieldSpec): Result<number[]> {
  if (item === '') return fail('empty list item');
  const parts = item.split('/');
  if (parts.length > 2) return fail(`'${item}' has more than one '/'`);
  const [baseText = '', stepText] = parts;
  const base = parseBase(baseText, spec);
  if (!base.ok) return base;
  const { start, single } = base.value;
  let { end } = base.value;
  let step = 1;
  if (stepText !== undefined) {
    const parsedStep = parseStep(stepText, spec);
    if (!parsedStep.ok) return parsedStep;
    step = parsedStep.value;
    if (single) {
      if (!spec.startStep)
        return fail(`'${item}' needs '*' or a range before the step, e.g. '*/15' or '5-59/15'`);
      end = spec.max;
    }
  }
  return expandRange(start, end, step, spec);
}

/** A list field; `null` means every value (`*`). Values are sorted and unique. */
function parseListField(raw: string, spec: FieldSpec): Result<number[] | null> {
  if (raw === '*') return ok(null);
  const values = new Set<number>();
  for (const item of raw.split(',')) {
    const parsed = parseItem(item, spec);
    if (!parsed.ok) return fieldError(spec, raw, parsed.message);
    for (const v of parsed.value) values.add(v);
  }
  return ok([...values].sort((a, b) => a - b));
}

function renderList(values: number[] | null, map: (v: number) => number = (v) => v): string {
  if (values === null) return '*';
  return [...new Set(values.map(map))].sort((a, b) => a - b).join(',');
}

// ---------------------------------------------------------------------------------------------
// AWS cron(...)
// ---------------------------------------------------------------------------------------------

/** The first five fields, in cron order. */
function unixFields(parts: string[]): UnixCronFields {
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = parts;
  return { minute, hour, dayOfMonth, month, dayOfWeek };
}

/** AWS day-of-month: `?`, `L`, `LW`, `nW`, or a list. Rendered for croner. */
function awsDayOfMonth(raw: string): Result<string> {
  const spec = AWS_SPECS.dayOfMonth;
  if (raw === '?') return ok('*');
  if (raw === 'L' || raw === 'LW') return ok(raw);
  const weekday = /^(\d+)W$/.exec(raw);
  if (weekday) {
    const day = parseValue(weekday[1] ?? '', spec);
    return day.ok ? ok(`${day.value}W`) : fieldError(spec, raw, day.message);
  }
  if (/[LW]/.test(raw)) {
    return fieldError(spec, raw, "'L' and 'W' must stand alone: 'L', 'LW' or one day such as '15W'");
  }
  const values = parseListField(raw, spec);
  return values.ok ? ok(renderList(values.value)) : values;
}

/** AWS day-of-week: `?`, `L` (Saturday), `dL` (last d of the month), `d#k`, or a list. For croner (Sunday = 0). */
function awsDayOfWeek(raw: string): Result<string> {
  const spec = AWS_SPECS.dayOfWeek;
  if (raw === '?') return ok('*');
  if (raw === 'L') return ok('6');
  const last = /^([A-Z]+|\d+)L$/.exec(raw);
  if (last) {
    const day = parseValue(last[1] ?? '', spec);
    return day.ok ? ok(`${day.value - 1}#L`) : fieldError(spec, raw, day.message);
  }
  const nth = /^([A-Z]+|\d+)#(\d+)$/.exec(raw);
  if (nth) {
    const day = parseValue(nth[1] ?? '', spec);
    if (!day.ok) return fieldError(spec, raw, day.message);
    const occurrence = Number(nth[2]);
    if (occurrence < 1 || occurrence > 5)
      return fieldError(spec, raw, "the occurrence after '#' must be 1-5");
    return ok(`${day.value - 1}#${occurrence}`);
  }
  if (/[L#]/.test(raw)) {
    return fieldError(spec, raw, "'L' and '#' must stand alone: 'L', a day such as '6L', or 'FRI#3'");
  }
  const values = parseListField(raw, spec);
  return values.ok ? ok(renderList(values.value, (v) => v - 1)) : values;
}

function awsListField(raw: string, spec: FieldSpec): Result<string> {
  if (raw === '?') return fieldError(spec, raw, "'?' is only allowed in day-of-month and day-of-week");
  const values = parseListField(raw, spec);
  return values.ok ? ok(renderList(values.value)) : values;
}

function parseAwsCron(body: string): ParseResult {
  const parts = body.trim().toUpperCase().split(/\s+/);
  if (parts.length !== 6 || parts[0] === '') {
    const count = parts[0] === '' ? 0 : parts.length;
    return fail(
      `cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), got ${count}` +
        (count === 5 ? "; add a year field such as '*'" : ''),
    );
  }
  const fields: AwsCronFields = { ...unixFields(parts), year: parts[5] ?? '' };
  const domUnset = fields.dayOfMonth === '?';
  const dowUnset = fields.dayOfWeek === '?';
  if (domUnset && dowUnset) return fail("day-of-month and day-of-week cannot both be '?'; set one of them");
  if (!domUnset && !dowUnset) {
    return fail("one of day-of-month and day-of-week must be '?' (AWS cron cannot restrict both)");
  }
  const rendered = [
    awsListField(fields.minute, AWS_SPECS.minute),
    awsListField(fields.hour, AWS_SPECS.hour),
    awsDayOfMonth(fields.dayOfMonth),
    awsListField(fields.month, AWS_SPECS.month),
    awsDayOfWeek(fields.dayOfWeek),
    awsListField(fields.year, AWS_SPECS.year),
  ];
  const pieces: string[] = [];
  for (const piece of rendered) {
    if (!piece.ok) return piece;
    pieces.push(piece.value);
  }
  const matcher = { pattern: `0 ${pieces.join(' ')}`, domAndDow: true };
  const checked = checkMatcher(matcher);
  if (!checked.ok) return checked;
  return { ok: true, schedule: { kind: 'cron', expression: `cron(${parts.join(' ')})`, fields, matcher } };
}

// ---------------------------------------------------------------------------------------------
// Unix and Taskcluster cron
// ---------------------------------------------------------------------------------------------

const UNIX_FIELD_ORDER = ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'] as const;

function parseUnixCron(expr: string): ParseResult {
  let parts = expr.trim().toUpperCase().split(/\s+/);
  if (parts.length === 6) {
    const seconds = parts[0];
    if (seconds !== '0') {
      return fail(`seconds field '${seconds}': only 0 is supported (schedules have one-minute precision)`);
    }
    parts = parts.slice(1);
  }
  if (parts.length !== 5) {
    return fail(
      `a cron expression needs 5 fields (minute hour day-of-month month day-of-week), or 6 with a leading ` +
        `seconds field of 0, got ${parts.length}; AWS expressions are written cron(...), rate(...) or at(...)`,
    );
  }
  const fields = unixFields(parts);
  const values: Array<number[] | null> = [];
  for (const name of UNIX_FIELD_ORDER) {
    const parsed = parseListField(fields[name], UNIX_SPECS[name]);
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  const [minute = null, hour = null, dom = null, month = null, dow = null] = values;
  const pattern = [
    '0',
    renderList(minute),
    renderList(hour),
    renderList(dom),
    renderList(month),
    renderList(dow, (v) => v % 7),
    '*',
  ].join(' ');
  // Vixie cron: a day field starting with '*' makes the two day fields combine with AND.
  const domAndDow = fields.dayOfMonth.startsWith('*') || fields.dayOfWeek.startsWith('*');
  const matcher = { pattern, domAndDow };
  const checked = checkMatcher(matcher);
  if (!checked.ok) return checked;
  return { ok: true, schedule: { kind: 'unix', expression: parts.join(' '), fields, matcher } };
}

// ---------------------------------------------------------------------------------------------
// rate(...) and at(...)
// ---------------------------------------------------------------------------------------------

const UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function parseRate(body: string): ParseResult {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0] === '') {
    return fail("rate(...) needs a value and a unit, e.g. 'rate(5 minutes)'");
  }
  const [valueText = '', unitText = ''] = parts;
  if (!/^[1-9]\d*$/.test(valueText)) return fail(`rate value '${valueText}' must be a positive integer`);
  const value = Number(valueText);
  const unitMatch = /^(minute|hour|day)(s?)$/.exec(unitText);
  if (!unitMatch) return fail(`rate unit '${unitText}' must be minute(s), hour(s) or day(s)`);
  const unit = unitMatch[1] as RateUnit;
  const plural = unitMatch[2] === 's';
  if (value === 1 && plural) return fail(`rate unit must be singular for a value of 1: 'rate(1 ${unit})'`);
  if (value !== 1 && !plural) return fail(`rate unit must be plural for a value other than 1: '${unit}s'`);
  if (!Number.isSafeInteger(value * UNIT_MS[unit])) return fail(`rate value ${value} is too large`);
  const expression = `rate(${value} ${unit}${plural ? 's' : ''})`;
  return { ok: true, schedule: { kind: 'rate', expression, value, unit } };
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The wall-clock fields of an at(...) time, which parseAt has validated. */
function wallClockOf(time: string): WallClock {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = time.split(/[-T:]/).map(Number);
  return { year, month, day, hour, minute, second };
}

function parseAt(body: string): ParseResult {
  const time = body.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(time)) {
    return fail(
      `at(...) time '${time}' must look like yyyy-mm-ddThh:mm:ss (no offset; the time zone is separate)`,
    );
  }
  const { year, month, day, hour, minute, second } = wallClockOf(time);
  if (year < 1970) return fail(`at(...) year ${year} is before 1970`);
  if (month < 1 || month > 12) return fail(`at(...) month ${month} is out of range 1-12`);
  if (day < 1 || day > daysInMonth(year, month)) {
    return fail(`at(...) day ${day} does not exist in ${time.slice(0, 7)}`);
  }
  if (hour > 23) return fail(`at(...) hour ${hour} is out of range 0-23`);
  if (minute > 59) return fail(`at(...) minute ${minute} is out of range 0-59`);
  if (second > 59) return fail(`at(...) second ${second} is out of range 0-59`);
  return { ok: true, schedule: { kind: 'at', expression: `at(${time})`, time } };
}

// ---------------------------------------------------------------------------------------------
// Parsing entry points
// ---------------------------------------------------------------------------------------------

const FUNCTION_FORMS: Record<string, (body: string) => ParseResult> = {
  cron: parseAwsCron,
  rate: parseRate,
  at: parseAt,
};

export function parseScheduleExpression(expr: string): ParseResult {
  const text = expr.trim();
  if (text === '') return fail('the schedule expression is empty');
  const call = /^([A-Za-z]+)\s*\(/.exec(text);
  if (!call) return parseUnixCron(text);
  const name = call[1] ?? '';
  const parse = Object.hasOwn(FUNCTION_FORMS, name) ? FUNCTION_FORMS[name] : undefined;
  if (!parse) {
    return fail(
      `unknown expression '${name}(...)': expected cron(...), rate(...), at(...) or a 5-field cron`,
    );
  }
  if (!text.endsWith(')')) return fail(`${name}(...) must end with ')'`);
  const body = text.slice(call[0].length, -1);
  if (/[()]/.test(body)) return fail(`${name}(...) has unbalanced parentheses`);
  return parse(body);
}

/**
 * The canonical form stored for an expression: whitespace collapsed, names upper-cased, Taskcluster's
 * 6-field form reduced to 5 fields. An invalid expression is returned trimmed (validate it first).
 */
export function normaliseScheduleExpression(expr: string): string {
  const parsed = parseScheduleExpression(expr);
  return parsed.ok ? parsed.schedule.expression : expr.trim();
}

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

// ---------------------------------------------------------------------------------------------
// Time zones: wall clock <-> instant
// ---------------------------------------------------------------------------------------------

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
function wallClockMs(instantMs: number, timezone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(instantMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  const wholeSeconds = Date.UTC(year, month - 1, day, hour, minute, second);
  return wholeSeconds + (((instantMs % 1000) + 1000) % 1000);
}

function offsetMs(instantMs: number, timezone: string): number {
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
function firstInstantOfWallClock(wallMs: number, timezone: string): number | null {
  return instantsOfWallClock(wallMs, timezone)[0] ?? null;
}

/** Like firstInstantOfWallClock, but a time in a gap moves forward by the length of the gap. */
function resolveWallClock(wallMs: number, timezone: string): number {
  return firstInstantOfWallClock(wallMs, timezone) ?? wallMs - offsetMs(wallMs - DAY_MS, timezone);
}

// ---------------------------------------------------------------------------------------------
// Fire times
// ---------------------------------------------------------------------------------------------

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

function checkMatcher(matcher: CronMatcher): Result<null> {
  try {
    toCron(matcher);
    return ok(null);
  } catch (error) {
    return fail(`unsupported cron expression: ${(error as Error).message}`);
  }
}

/** Croner evaluates the pattern on the wall clock, read as UTC; time zones are applied afterwards. */
function toCron(matcher: CronMatcher): Cron {
  return new Cron(matcher.pattern, {
    timezone: 'UTC',
    mode: '7-part',
    domAndDow: matcher.domAndDow,
    paused: true,
  });
}

function boundedLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit <= 0) return 0;
  return Math.min(Math.floor(limit), MAX_FIRE_TIMES);
}

function timeOf(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

function checkTimezone(timezone: string): void {
  if (!validateTimezone(timezone)) throw new RangeError(`unknown time zone '${timezone}'`);
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
  return schedule.value * UNIT_MS[schedule.unit];
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
