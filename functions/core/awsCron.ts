import { type ParsedSchedule, parseScheduleExpression } from './schedule/grammar.ts';

/**
 * Schedule expressions as EventBridge Scheduler takes them (`ScheduleExpression`).
 *
 * `cron(...)`, `rate(...)` and `at(...)` are AWS syntax already and pass through in their canonical form.
 * A Unix 5-field cron (and Taskcluster's 6-field form, normalised to 5 fields when the hook is stored) is
 * rewritten as AWS `cron(minutes hours day-of-month month day-of-week year)`:
 * - every field is written as a plain list of numbers with runs compacted into ranges (`0-4,30`), so no
 *   Unix-only syntax (`*\/n` without a start, wrapping ranges, day-of-week 0/7) reaches AWS;
 * - day-of-week is renumbered (Unix 0 or 7 = Sunday, AWS 1 = Sunday);
 * - AWS needs one day field to be `?`. When only one day field restricts the days, the other becomes `?`.
 *   When both do, Vixie cron fires on a day matching EITHER of them, which one AWS expression cannot
 *   say, so the expression becomes TWO schedules, one per day field. A time matching both fires on both,
 *   with the same scheduled time — and the fire function derives the run id from (hook, scheduled time),
 *   so it still starts one run.
 * - Vixie's other rule — a day field starting with `*` (such as `*\/2`) makes the two day fields combine
 *   with AND — has no AWS equivalent when both fields restrict the days; such an expression is refused
 *   with a message saying so.
 */

export type AwsScheduleResult = { ok: true; expressions: string[] } | { ok: false; message: string };

const MINUTES = { min: 0, max: 59 };
const HOURS = { min: 0, max: 23 };
const DAYS_OF_MONTH = { min: 1, max: 31 };
const MONTHS = { min: 1, max: 12 };
const DAYS_OF_WEEK = { min: 1, max: 7 };

/** The AWS ScheduleExpressions of one Hookline schedule expression (one, or two for a Vixie day OR). */
export function toAwsScheduleExpressions(expression: string): AwsScheduleResult {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  return awsExpressionsOf(parsed.schedule);
}

export function awsExpressionsOf(schedule: ParsedSchedule): AwsScheduleResult {
  if (schedule.kind !== 'unix') return { ok: true, expressions: [schedule.expression] };
  // The matcher pattern is `0 <minute> <hour> <dom> <month> <dow> *`, each field `*` or a sorted list of
  // numbers (day-of-week with Sunday = 0): the fields with every Unix spelling already expanded.
  const [, minute = '*', hour = '*', dom = '*', month = '*', dow = '*'] = schedule.matcher.pattern.split(' ');
  const m = compact(minute, MINUTES);
  const h = compact(hour, HOURS);
  const mon = compact(month, MONTHS);
  const d = compact(dom, DAYS_OF_MONTH);
  const w = compact(dow, DAYS_OF_WEEK, (v) => v + 1);
  const cron = (dayOfMonth: string, dayOfWeek: string) =>
    `cron(${m} ${h} ${dayOfMonth} ${mon} ${dayOfWeek} *)`;
  const everyDay = cron('*', '?');
  if (d === '*' && w === '*') return { ok: true, expressions: [everyDay] };
  if (schedule.matcher.domAndDow) {
    // AND: a field that allows every day does not restrict the other.
    if (w === '*') return { ok: true, expressions: [cron(d, '?')] };
    if (d === '*') return { ok: true, expressions: [cron('?', w)] };
    return {
      ok: false,
      message:
        `'${schedule.expression}' cannot be an AWS schedule: a day field starting with '*' makes a day match ` +
        `both day-of-month and day-of-week, which AWS cron cannot express; list the days instead`,
    };
  }
  // OR (both fields written without a leading '*'): a field allowing every day allows every day.
  if (d === '*' || w === '*') return { ok: true, expressions: [everyDay] };
  return { ok: true, expressions: [cron(d, '?'), cron('?', w)] };
}

/** `*` or a list of numbers → `*` when it covers the whole range, else a list with runs as ranges. */
function compact(
  field: string,
  range: { min: number; max: number },
  map: (v: number) => number = (v) => v,
): string {
  if (field === '*') return '*';
  const values = [...new Set(field.split(',').map((v) => map(Number(v))))].sort((a, b) => a - b);
  if (values.length === range.max - range.min + 1) return '*';
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] ?? 0) + 1) j++;
    const start = values[i];
    const end = values[j];
    if (j - i >= 2) parts.push(`${start}-${end}`);
    else for (let k = i; k <= j; k++) parts.push(String(values[k]));
    i = j + 1;
  }
  return parts.join(',');
}
