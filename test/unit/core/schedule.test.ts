import { describe, expect, it } from 'vitest';
import {
  fireTimesBetween,
  MAX_FIRE_TIMES,
  nextFireTimes,
  previousFireTimes,
} from '../../../functions/core/schedule/fireTimes.ts';
import { type ParsedSchedule, parseScheduleExpression } from '../../../functions/core/schedule/grammar.ts';
import { normaliseScheduleExpression } from '../../../functions/core/schedule/normalise.ts';
import { validateTimezone } from '../../../functions/core/schedule/timezone.ts';

function parsed(expr: string): ParsedSchedule {
  const result = parseScheduleExpression(expr);
  if (!result.ok) throw new Error(`${expr}: ${result.message}`);
  return result.schedule;
}

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

interface NextCase {
  expr: string;
  after: string;
  count?: number;
  timezone?: string;
  anchor?: string;
  expected: string[];
}

function next({ expr, after, count = 4, timezone = 'UTC', anchor }: NextCase): string[] {
  const opts = { timezone, after: new Date(after), count, ...(anchor ? { anchor: new Date(anchor) } : {}) };
  return iso(nextFireTimes(parsed(expr), opts));
}

function runTable(cases: NextCase[]): void {
  it.each(cases.map((c) => [`${c.expr} ${c.timezone ?? 'UTC'} after ${c.after}`, c] as const))(
    '%s',
    (_name, c) => {
      expect(next(c)).toEqual(c.expected);
    },
  );
}

describe('AWS cron: month ends, L, LW, W', () => {
  runTable([
    {
      expr: 'cron(0 12 31 * ? *)',
      after: '2026-01-01T00:00:00Z',
      expected: [
        '2026-01-31T12:00:00.000Z',
        '2026-03-31T12:00:00.000Z',
        '2026-05-31T12:00:00.000Z',
        '2026-07-31T12:00:00.000Z',
      ],
    },
    {
      expr: 'cron(0 0 L * ? *)',
      after: '2026-01-15T00:00:00Z',
      expected: [
        '2026-01-31T00:00:00.000Z',
        '2026-02-28T00:00:00.000Z',
        '2026-03-31T00:00:00.000Z',
        '2026-04-30T00:00:00.000Z',
      ],
    },
    {
      // The last day of February, across a leap year.
      expr: 'cron(0 0 L 2 ? *)',
      after: '2027-03-01T00:00:00Z',
      count: 2,
      expected: ['2028-02-29T00:00:00.000Z', '2029-02-28T00:00:00.000Z'],
    },
    {
      // Jan 31 and Feb 28 2026 are Saturdays, May 31 a Sunday: all move back to the Friday.
      expr: 'cron(0 9 LW * ? *)',
      after: '2026-01-01T00:00:00Z',
      count: 5,
      expected: [
        '2026-01-30T09:00:00.000Z',
        '2026-02-27T09:00:00.000Z',
        '2026-03-31T09:00:00.000Z',
        '2026-04-30T09:00:00.000Z',
        '2026-05-29T09:00:00.000Z',
      ],
    },
    {
      // Aug 1 2026 is a Saturday and Nov 1 a Sunday: W never crosses into the previous month.
      expr: 'cron(0 9 1W * ? *)',
      after: '2026-07-15T00:00:00Z',
      expected: [
        '2026-08-03T09:00:00.000Z',
        '2026-09-01T09:00:00.000Z',
        '2026-10-01T09:00:00.000Z',
        '2026-11-02T09:00:00.000Z',
      ],
    },
    {
      // May 31 2026 is a Sunday: back to Friday 29 (never into June); June has no 31st.
      expr: 'cron(0 9 31W * ? *)',
      after: '2026-05-01T00:00:00Z',
      count: 3,
      expected: ['2026-05-29T09:00:00.000Z', '2026-07-31T09:00:00.000Z', '2026-08-31T09:00:00.000Z'],
    },
    {
      // Aug 15 2026 is a Saturday (-> Friday 14), Nov 15 a Sunday (-> Monday 16).
      expr: 'cron(0 9 15W * ? *)',
      after: '2026-08-01T00:00:00Z',
      expected: [
        '2026-08-14T09:00:00.000Z',
        '2026-09-15T09:00:00.000Z',
        '2026-10-15T09:00:00.000Z',
        '2026-11-16T09:00:00.000Z',
      ],
    },
  ]);
});

describe('AWS cron: leap years, #, nL, L in day-of-week, years, names, steps', () => {
  runTable([
    {
      expr: 'cron(0 12 29 2 ? *)',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z', '2036-02-29T12:00:00.000Z'],
    },
    {
      expr: 'cron(0 12 29 FEB ? *)',
      after: '2028-02-29T12:00:00Z',
      count: 1,
      expected: ['2032-02-29T12:00:00.000Z'],
    },
    {
      // 6 = Friday (1 = Sunday): the third Friday.
      expr: 'cron(0 12 ? * 6#3 *)',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-16T12:00:00.000Z', '2026-02-20T12:00:00.000Z', '2026-03-20T12:00:00.000Z'],
    },
    {
      expr: 'cron(0 12 ? * FRI#3 *)',
      after: '2026-01-16T12:00:00Z',
      count: 2,
      expected: ['2026-02-20T12:00:00.000Z', '2026-03-20T12:00:00.000Z'],
    },
    {
      // A fifth Monday exists only in some months.
      expr: 'cron(0 8 ? * 2#5 *)',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-03-30T08:00:00.000Z', '2026-06-29T08:00:00.000Z', '2026-08-31T08:00:00.000Z'],
    },
    {
      // 6L: the last Friday of the month.
      expr: 'cron(0 12 ? * 6L *)',
      after: '2026-01-01T00:00:00Z',
      expected: [
        '2026-01-30T12:00:00.000Z',
        '2026-02-27T12:00:00.000Z',
        '2026-03-27T12:00:00.000Z',
        '2026-04-24T12:00:00.000Z',
      ],
    },
    {
      // A bare L in day-of-week is the last day of the week: 7, Saturday.
      expr: 'cron(0 12 ? * L *)',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-03T12:00:00.000Z', '2026-01-10T12:00:00.000Z', '2026-01-17T12:00:00.000Z'],
    },
    {
      expr: 'cron(0 0 1 1 ? 2027-2029)',
      after: '2026-06-01T00:00:00Z',
      count: 5,
      expected: ['2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z'],
    },
    {
      expr: 'cron(0 0 1 JAN ? 2030/5)',
      after: '2026-06-01T00:00:00Z',
      count: 3,
      expected: ['2030-01-01T00:00:00.000Z', '2035-01-01T00:00:00.000Z', '2040-01-01T00:00:00.000Z'],
    },
    { expr: 'cron(0 0 * * ? 2020)', after: '2026-01-01T00:00:00Z', expected: [] },
    { expr: 'cron(0 0 30 FEB ? *)', after: '2026-01-01T00:00:00Z', expected: [] },
    { expr: 'cron(0 0 31 4,6,9,11 ? *)', after: '2026-01-01T00:00:00Z', expected: [] },
    {
      // Jan 1 2026 is a Thursday.
      expr: 'cron(15 10 ? JAN,JUL MON-FRI *)',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-01T10:15:00.000Z', '2026-01-02T10:15:00.000Z', '2026-01-05T10:15:00.000Z'],
    },
    {
      expr: 'cron(0 8 ? * mon *)',
      after: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-01-05T08:00:00.000Z', '2026-01-12T08:00:00.000Z'],
    },
    {
      expr: 'cron(0/15 * * * ? *)',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z'],
    },
    {
      expr: 'cron(5-50/20 8 * * ? *)',
      after: '2026-01-01T00:00:00Z',
      expected: [
        '2026-01-01T08:05:00.000Z',
        '2026-01-01T08:25:00.000Z',
        '2026-01-01T08:45:00.000Z',
        '2026-01-02T08:05:00.000Z',
      ],
    },
    {
      expr: 'cron(0 6,18 1,15 * ? *)',
      after: '2026-01-01T12:00:00Z',
      count: 3,
      expected: ['2026-01-01T18:00:00.000Z', '2026-01-15T06:00:00.000Z', '2026-01-15T18:00:00.000Z'],
    },
  ]);
});

describe('AWS cron: wrapping ranges', () => {
  runTable([
    {
      expr: 'cron(0 12 ? * SAT-SUN *)',
      after: '2026-01-01T00:00:00Z',
      expected: [
        '2026-01-03T12:00:00.000Z',
        '2026-01-04T12:00:00.000Z',
        '2026-01-10T12:00:00.000Z',
        '2026-01-11T12:00:00.000Z',
      ],
    },
    {
      expr: 'cron(0 12 ? * FRI-MON *)',
      after: '2026-01-01T00:00:00Z',
      count: 5,
      expected: [
        '2026-01-02T12:00:00.000Z',
        '2026-01-03T12:00:00.000Z',
        '2026-01-04T12:00:00.000Z',
        '2026-01-05T12:00:00.000Z',
        '2026-01-09T12:00:00.000Z',
      ],
    },
    {
      // 7-1 = SAT-SUN in AWS numbering.
      expr: 'cron(0 12 ? * 7-1 *)',
      after: '2026-01-04T12:00:00Z',
      count: 2,
      expected: ['2026-01-10T12:00:00.000Z', '2026-01-11T12:00:00.000Z'],
    },
    {
      // FRI-MON/2 = FRI, SUN.
      expr: 'cron(0 12 ? * FRI-MON/2 *)',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-02T12:00:00.000Z', '2026-01-04T12:00:00.000Z', '2026-01-09T12:00:00.000Z'],
    },
    {
      expr: 'cron(0 0 1 NOV-FEB ? *)',
      after: '2026-03-01T00:00:00Z',
      count: 5,
      expected: [
        '2026-11-01T00:00:00.000Z',
        '2026-12-01T00:00:00.000Z',
        '2027-01-01T00:00:00.000Z',
        '2027-02-01T00:00:00.000Z',
        '2027-11-01T00:00:00.000Z',
      ],
    },
  ]);
});

describe('DST: a missing wall clock is skipped, a repeated one fires once (first occurrence)', () => {
  runTable([
    {
      // Europe/Berlin springs forward 2026-03-29 02:00 -> 03:00: no 02:30 that day.
      expr: 'cron(30 2 * * ? *)',
      timezone: 'Europe/Berlin',
      after: '2026-03-27T12:00:00Z',
      count: 3,
      expected: ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z'],
    },
    {
      // Europe/Berlin falls back 2026-10-25 03:00 -> 02:00: 02:30 fires once, in summer time.
      expr: 'cron(30 2 * * ? *)',
      timezone: 'Europe/Berlin',
      after: '2026-10-23T12:00:00Z',
      count: 3,
      expected: ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    },
    {
      // Asked during the second 02:30 (01:30Z): the repeat is not a new occurrence.
      expr: 'cron(30 2 * * ? *)',
      timezone: 'Europe/Berlin',
      after: '2026-10-25T01:00:00Z',
      count: 1,
      expected: ['2026-10-26T01:30:00.000Z'],
    },
    {
      // Every 30 minutes over the fall-back: the repeated hour does not fire again.
      expr: 'cron(0/30 * * * ? *)',
      timezone: 'Europe/Berlin',
      after: '2026-10-24T23:45:00Z',
      count: 4,
      expected: [
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
        '2026-10-25T02:30:00.000Z',
      ],
    },
    {
      // Every 30 minutes over the spring-forward: 02:00 and 02:30 do not exist.
      expr: 'cron(0/30 * * * ? *)',
      timezone: 'Europe/Berlin',
      after: '2026-03-29T00:15:00Z',
      count: 3,
      expected: ['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z'],
    },
    {
      // America/New_York springs forward 2026-03-08 02:00 -> 03:00.
      expr: 'cron(30 2 * * ? *)',
      timezone: 'America/New_York',
      after: '2026-03-07T00:00:00Z',
      count: 2,
      expected: ['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z'],
    },
    {
      // America/New_York falls back 2026-11-01 02:00 -> 01:00: 01:30 fires once, EDT.
      expr: 'cron(30 1 * * ? *)',
      timezone: 'America/New_York',
      after: '2026-10-31T12:00:00Z',
      count: 2,
      expected: ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
    },
    {
      expr: 'cron(0 9 ? * MON-FRI *)',
      timezone: 'America/New_York',
      after: '2026-03-06T00:00:00Z',
      count: 3,
      expected: ['2026-03-06T14:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-10T13:00:00.000Z'],
    },
    {
      // Unix cron follows the same rule.
      expr: '30 2 * * *',
      timezone: 'Europe/Berlin',
      after: '2026-03-28T12:00:00Z',
      count: 2,
      expected: ['2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z'],
    },
  ]);
});

describe('Unix and Taskcluster cron', () => {
  runTable([
    {
      expr: '*/5 * * * *',
      after: '2026-01-01T00:02:00Z',
      count: 3,
      expected: ['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z'],
    },
    {
      expr: '0 0 * * 0',
      after: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z'],
    },
    {
      expr: '0 0 * * 7',
      after: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z'],
    },
    {
      expr: '0 0 * * sun',
      after: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-01-04T00:00:00.000Z', '2026-01-11T00:00:00.000Z'],
    },
    {
      expr: '30 8 1 JAN,JUN *',
      after: '2026-01-01T09:00:00Z',
      count: 2,
      expected: ['2026-06-01T08:30:00.000Z', '2027-01-01T08:30:00.000Z'],
    },
    {
      // Both day fields restricted: either matches (Vixie).
      expr: '0 12 13 * FRI',
      after: '2026-01-01T00:00:00Z',
      expected: [
        '2026-01-02T12:00:00.000Z',
        '2026-01-09T12:00:00.000Z',
        '2026-01-13T12:00:00.000Z',
        '2026-01-16T12:00:00.000Z',
      ],
    },
    {
      // A day field starting with '*' makes both required (Vixie): days 1, 14, 27 that are Fridays.
      expr: '0 12 */13 * FRI',
      after: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-02-27T12:00:00.000Z', '2026-03-27T12:00:00.000Z'],
    },
    {
      expr: '0 0 * * FRI-MON',
      after: '2026-01-01T00:00:00Z',
      count: 5,
      expected: [
        '2026-01-02T00:00:00.000Z',
        '2026-01-03T00:00:00.000Z',
        '2026-01-04T00:00:00.000Z',
        '2026-01-05T00:00:00.000Z',
        '2026-01-09T00:00:00.000Z',
      ],
    },
    {
      expr: '0 0 * * SAT-SUN',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z', '2026-01-10T00:00:00.000Z'],
    },
    { expr: '0 0 29 2 *', after: '2026-01-01T00:00:00Z', count: 1, expected: ['2028-02-29T00:00:00.000Z'] },
    { expr: '0 0 31 2 *', after: '2026-01-01T00:00:00Z', expected: [] },
    {
      expr: '0 0 * * * *',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z'],
    },
    {
      expr: '0 30 9 * * 1-5',
      after: '2026-01-01T00:00:00Z',
      count: 3,
      expected: ['2026-01-01T09:30:00.000Z', '2026-01-02T09:30:00.000Z', '2026-01-05T09:30:00.000Z'],
    },
    {
      expr: '0 0 0 1 * *',
      timezone: 'Europe/Berlin',
      after: '2026-01-01T00:00:00Z',
      count: 2,
      expected: ['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'],
    },
  ]);
});

describe('rate(...)', () => {
  runTable([
    {
      // No anchor: aligned to the minute of `after`, not to the epoch.
      expr: 'rate(5 minutes)',
      after: '2026-01-01T00:02:30Z',
      count: 3,
      expected: ['2026-01-01T00:07:00.000Z', '2026-01-01T00:12:00.000Z', '2026-01-01T00:17:00.000Z'],
    },
    {
      expr: 'rate(1 minute)',
      after: '2026-01-01T10:00:00Z',
      count: 2,
      expected: ['2026-01-01T10:01:00.000Z', '2026-01-01T10:02:00.000Z'],
    },
    {
      // The anchor (creation time) sets the grid; it is truncated to the minute.
      expr: 'rate(1 hour)',
      after: '2026-01-01T12:00:00Z',
      anchor: '2026-01-01T10:02:30Z',
      count: 3,
      expected: ['2026-01-01T12:02:00.000Z', '2026-01-01T13:02:00.000Z', '2026-01-01T14:02:00.000Z'],
    },
    {
      // An anchor after `after`: the anchor itself is the first fire time.
      expr: 'rate(2 hours)',
      after: '2026-01-01T00:00:00Z',
      anchor: '2026-01-02T00:00:00Z',
      count: 2,
      expected: ['2026-01-02T00:00:00.000Z', '2026-01-02T02:00:00.000Z'],
    },
    {
      // A day is 24 hours, whatever DST does (13:00 then 14:00 in Berlin).
      expr: 'rate(1 day)',
      timezone: 'Europe/Berlin',
      after: '2026-03-28T12:00:00Z',
      anchor: '2026-03-28T12:00:00Z',
      count: 2,
      expected: ['2026-03-29T12:00:00.000Z', '2026-03-30T12:00:00.000Z'],
    },
    {
      expr: 'rate(7 days)',
      after: '2026-01-20T00:00:00Z',
      anchor: '2026-01-01T06:00:00Z',
      count: 2,
      expected: ['2026-01-22T06:00:00.000Z', '2026-01-29T06:00:00.000Z'],
    },
  ]);
});

describe('at(...)', () => {
  runTable([
    {
      expr: 'at(2026-06-01T09:00:00)',
      timezone: 'Europe/Berlin',
      after: '2026-01-01T00:00:00Z',
      expected: ['2026-06-01T07:00:00.000Z'],
    },
    { expr: 'at(2026-06-01T09:00:00)', after: '2026-06-01T09:00:00Z', expected: [] },
    {
      // In the spring-forward gap: moved forward by the gap (03:30 CEST).
      expr: 'at(2026-03-29T02:30:00)',
      timezone: 'Europe/Berlin',
      after: '2026-01-01T00:00:00Z',
      expected: ['2026-03-29T01:30:00.000Z'],
    },
    {
      // In the fall-back overlap: the first occurrence.
      expr: 'at(2026-10-25T02:30:00)',
      timezone: 'Europe/Berlin',
      after: '2026-01-01T00:00:00Z',
      expected: ['2026-10-25T00:30:00.000Z'],
    },
    {
      expr: 'at(2026-11-01T01:30:00)',
      timezone: 'America/New_York',
      after: '2026-01-01T00:00:00Z',
      expected: ['2026-11-01T05:30:00.000Z'],
    },
    { expr: 'at(2026-06-01T09:00:00)', after: '2026-01-01T00:00:00Z', count: 0, expected: [] },
  ]);
});

describe('nextFireTimes bounds', () => {
  it('returns at most MAX_FIRE_TIMES', () => {
    const times = nextFireTimes(parsed('* * * * *'), {
      timezone: 'UTC',
      after: new Date('2026-01-01T00:00:00Z'),
      count: 5000,
    });
    expect(times).toHaveLength(MAX_FIRE_TIMES);
    expect(times.at(-1)?.toISOString()).toBe('2026-01-01T16:40:00.000Z');
  });

  it('returns nothing for a count of 0 or less', () => {
    const opts = { timezone: 'UTC', after: new Date('2026-01-01T00:00:00Z'), count: -3 };
    expect(nextFireTimes(parsed('rate(1 minute)'), opts)).toEqual([]);
  });

  it('refuses an unknown time zone and an invalid date', () => {
    const schedule = parsed('cron(0 12 * * ? *)');
    expect(() => nextFireTimes(schedule, { timezone: 'Mars/Olympus', after: new Date(0), count: 1 })).toThrow(
      /unknown time zone/,
    );
    expect(() => nextFireTimes(schedule, { timezone: 'UTC', after: new Date('nope'), count: 1 })).toThrow(
      /not a valid date/,
    );
  });
});

describe('fireTimesBetween and previousFireTimes (catch-up)', () => {
  const window = (from: string, to: string, limit: number, timezone = 'UTC', anchor?: string) => ({
    timezone,
    from: new Date(from),
    to: new Date(to),
    limit,
    ...(anchor ? { anchor: new Date(anchor) } : {}),
  });
  const hourly = parsed('cron(0 * * * ? *)');

  it('excludes from and includes to', () => {
    expect(iso(fireTimesBetween(hourly, window('2026-01-01T00:00:00Z', '2026-01-01T03:00:00Z', 10)))).toEqual(
      ['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z'],
    );
  });

  it('fireTimesBetween keeps the earliest, previousFireTimes the latest, both ascending', () => {
    const w = window('2026-01-01T00:00:00Z', '2026-01-01T05:30:00Z', 2);
    expect(iso(fireTimesBetween(hourly, w))).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
    expect(iso(previousFireTimes(hourly, w))).toEqual([
      '2026-01-01T04:00:00.000Z',
      '2026-01-01T05:00:00.000Z',
    ]);
  });

  it('finds the latest missed occurrence across the fall-back', () => {
    const daily = parsed('cron(30 2 * * ? *)');
    const w = window('2026-10-20T00:00:00Z', '2026-10-26T01:29:59Z', 1, 'Europe/Berlin');
    expect(iso(previousFireTimes(daily, w))).toEqual(['2026-10-25T00:30:00.000Z']);
    const w2 = window('2026-10-24T00:30:00Z', '2026-10-26T01:30:00Z', 5, 'Europe/Berlin');
    expect(iso(previousFireTimes(daily, w2))).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('handles rate windows from the anchor', () => {
    const rate = parsed('rate(10 minutes)');
    const w = window('2026-01-01T00:00:00Z', '2026-01-01T01:05:00Z', 3, 'UTC', '2026-01-01T00:00:00Z');
    expect(iso(fireTimesBetween(rate, w))).toEqual([
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:20:00.000Z',
      '2026-01-01T00:30:00.000Z',
    ]);
    expect(iso(previousFireTimes(rate, w))).toEqual([
      '2026-01-01T00:40:00.000Z',
      '2026-01-01T00:50:00.000Z',
      '2026-01-01T01:00:00.000Z',
    ]);
  });

  it('handles at(...) and schedules that never fire', () => {
    const at = parsed('at(2026-06-01T09:00:00)');
    expect(iso(previousFireTimes(at, window('2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z', 5)))).toEqual([
      '2026-06-01T09:00:00.000Z',
    ]);
    expect(fireTimesBetween(at, window('2026-06-01T09:00:00Z', '2026-07-01T00:00:00Z', 5))).toEqual([]);
    const never = parsed('cron(0 0 30 FEB ? *)');
    expect(previousFireTimes(never, window('1970-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 5))).toEqual([]);
    expect(fireTimesBetween(never, window('2026-01-01T00:00:00Z', '2100-01-01T00:00:00Z', 5))).toEqual([]);
  });
});

describe('invalid expressions', () => {
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['cron(0 12 * * *)', 'needs 6 fields'],
    ['cron(0 12 * * * *)', "one of day-of-month and day-of-week must be '?'"],
    ['cron(0 12 ? * ? *)', "cannot both be '?'"],
    ['cron(60 12 * * ? *)', "minutes field '60': 60 is out of range"],
    ['cron(0 24 * * ? *)', "hours field '24'"],
    ['cron(0 12 32 * ? *)', "day-of-month field '32'"],
    ['cron(0 12 * 13 ? *)', "month field '13'"],
    ['cron(0 12 ? * 8 *)', "day-of-week field '8'"],
    ['cron(0 12 ? * 0 *)', "day-of-week field '0': 0 is out of range (expected 1-7 or SUN-SAT)"],
    ['cron(0 12 * * ? 1969)', "year field '1969'"],
    ['cron(0 12 ? * MON#6 *)', "the occurrence after '#' must be 1-5"],
    ['cron(0 12 L,15 * ? *)', "'L' and 'W' must stand alone"],
    ['cron(0 12 ? * 2,L *)', "'L' and '#' must stand alone"],
    ['cron(0 12 0W * ? *)', "day-of-month field '0W'"],
    ['cron(0 12 ? * FOO *)', "'FOO' is not a valid value"],
    ['cron(*/0 * * * ? *)', "step '0' must be a positive integer"],
    ['cron(*/61 * * * ? *)', "larger than the field's range"],
    ['cron(0 22-2 * * ? *)', 'range 22-2 starts after it ends'],
    ['cron(0 12 1-2-3 * ? *)', 'is not a valid range'],
    ['cron(0 12 1,,2 * ? *)', 'empty list item'],
    ['cron(0 ? * * ? *)', "'?' is only allowed in day-of-month and day-of-week"],
    ['cron(0 12 ? * 2 *', "cron(...) must end with ')'"],
    ['0 0 * * WEDS', "'WEDS' is not a valid value (expected 0-7 or SUN-SAT)"],
    ['rate(0 minutes)', 'must be a positive integer'],
    ['rate(1 minutes)', 'singular'],
    ['rate(5 minute)', 'plural'],
    ['rate(5 seconds)', 'minute(s), hour(s) or day(s)'],
    ['rate(5)', 'needs a value and a unit'],
    ['at(2026-02-30T00:00:00)', 'day 30 does not exist in 2026-02'],
    ['at(2026-01-01 00:00:00)', 'yyyy-mm-ddThh:mm:ss'],
    ['at(2026-01-01T24:00:00)', 'hour 24 is out of range'],
    ['at(2026-13-01T00:00:00)', 'month 13 is out of range'],
    ['30 0 * * * *', "seconds field '30': only 0 is supported"],
    ['* * * *', 'needs 5 fields'],
    ['0 0 * * * * *', 'needs 5 fields'],
    ['0 0 L * *', 'only supported in AWS cron(...)'],
    ['0 0 * * MON#2', 'only supported in AWS cron(...)'],
    ['0 0 * * 8', "day-of-week field '8'"],
    ['5/15 * * * *', "needs '*' or a range before the step"],
    ['0 25 * * *', "hour field '25'"],
    ['every(5 minutes)', "unknown expression 'every(...)'"],
    ['toString(1)', "unknown expression 'toString(...)'"],
    ['at(0050-01-01T00:00:00)', 'year 50 is before 1970'],
  ];

  it.each(cases)('%s', (expr, expected) => {
    const result = parseScheduleExpression(expr);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(expected);
  });
});

describe('parseScheduleExpression shapes', () => {
  it('gives a discriminated union', () => {
    expect(parsed('rate(5 minutes)')).toEqual({
      kind: 'rate',
      expression: 'rate(5 minutes)',
      value: 5,
      unit: 'minute',
    });
    expect(parsed('at(2026-06-01T09:00:00)')).toEqual({
      kind: 'at',
      expression: 'at(2026-06-01T09:00:00)',
      time: '2026-06-01T09:00:00',
    });
    const cron = parsed('cron(0 12 ? * fri#3 *)');
    expect(cron.kind).toBe('cron');
    if (cron.kind === 'cron') expect(cron.fields.dayOfWeek).toBe('FRI#3');
    expect(parsed('0 0 * * * *').kind).toBe('unix');
  });
});

describe('normaliseScheduleExpression', () => {
  it.each([
    ['0 0 * * * *', '0 * * * *'],
    ['0  30 9 * * mon-fri', '30 9 * * MON-FRI'],
    ['  cron(0  12 ? *  mon-fri * ) ', 'cron(0 12 ? * MON-FRI *)'],
    ['*/5 * * * *', '*/5 * * * *'],
    ['rate( 5   minutes )', 'rate(5 minutes)'],
    ['at(2026-06-01T09:00:00)', 'at(2026-06-01T09:00:00)'],
    [' not a schedule ', 'not a schedule'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseScheduleExpression(input)).toBe(expected);
  });
});

describe('validateTimezone', () => {
  it.each([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['UTC', true],
    ['US/Eastern', true],
    ['Mars/Olympus', false],
    ['europe/berlin', false],
    ['+01:00', false],
    ['', false],
  ])('%s -> %s', (tz, expected) => {
    expect(validateTimezone(tz)).toBe(expected);
  });
});
