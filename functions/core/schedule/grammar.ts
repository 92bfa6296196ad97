import { type CronMatcher, toCron } from './cronMatcher.ts';

/**
 * The grammar of schedule expressions: parsing and validating what a hook's `schedule` accepts, with a
 * message naming the problem. Pure: no I/O, no clock. When they fire is ./fireTimes.ts.
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

export type ScheduleExpression =
  | { kind: 'cron'; expression: string; fields: AwsCronFields; matcher: CronMatcher }
  | { kind: 'unix'; expression: string; fields: UnixCronFields; matcher: CronMatcher }
  | { kind: 'rate'; expression: string; value: number; unit: RateUnit }
  | { kind: 'at'; expression: string; time: string };

/** A parsed schedule; `expression` is its canonical (stored) form. */
export type ParsedSchedule = ScheduleExpression;

export type ParseResult = { ok: true; schedule: ParsedSchedule } | { ok: false; message: string };

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

/** The length of each rate(...) unit. */
export const RATE_UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

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
  if (!Number.isSafeInteger(value * RATE_UNIT_MS[unit])) return fail(`rate value ${value} is too large`);
  const expression = `rate(${value} ${unit}${plural ? 's' : ''})`;
  return { ok: true, schedule: { kind: 'rate', expression, value, unit } };
}

export interface WallClock {
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
export function wallClockOf(time: string): WallClock {
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

function checkMatcher(matcher: CronMatcher): Result<null> {
  try {
    toCron(matcher);
    return ok(null);
  } catch (error) {
    return fail(`unsupported cron expression: ${(error as Error).message}`);
  }
}
