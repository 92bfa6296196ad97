import { describe, expect, it } from 'vitest';
import { toAwsScheduleExpressions } from '../../../functions/core/awsCron.ts';
import { fireTimesBetween } from '../../../functions/core/schedule/fireTimes.ts';
import { parseScheduleExpression } from '../../../functions/core/schedule/grammar.ts';

/** Unix (and Taskcluster) cron → EventBridge Scheduler `cron(...)`; AWS forms pass through. */
describe('toAwsScheduleExpressions', () => {
  const cases: Array<[string, string[]]> = [
    ['0 12 * * *', ['cron(0 12 * * ? *)']],
    ['0 0 12 * * *', ['cron(0 12 * * ? *)']], // Taskcluster's 6-field form
    ['*/15 9-17 * * 1-5', ['cron(0,15,30,45 9-17 ? * 2-6 *)']],
    ['0 0 1,15 * *', ['cron(0 0 1,15 * ? *)']],
    ['0 0 * * 0', ['cron(0 0 ? * 1 *)']],
    ['0 0 * * 7', ['cron(0 0 ? * 1 *)']],
    ['0 0 * * SUN', ['cron(0 0 ? * 1 *)']],
    ['0 0 * * 5-7', ['cron(0 0 ? * 1,6,7 *)']],
    ['0 0 * * FRI-MON', ['cron(0 0 ? * 1,2,6,7 *)']],
    ['0 6 * NOV-FEB *', ['cron(0 6 * 1,2,11,12 ? *)']],
    ['5 4 * JAN-MAR *', ['cron(5 4 * 1-3 ? *)']],
    ['0-59/20 */6 * * *', ['cron(0,20,40 0,6,12,18 * * ? *)']],
    ['* * * * *', ['cron(* * * * ? *)']],
    ['0 0 1 * 1', ['cron(0 0 1 * ? *)', 'cron(0 0 ? * 2 *)']], // Vixie: the 1st OR a Monday
    ['0 0 1-31 * 1', ['cron(0 0 * * ? *)']], // OR with every day = every day
    ['0 0 */1 * 1', ['cron(0 0 ? * 2 *)']], // '*' start: AND with every day = Mondays
    ['0 0 * * */2', ['cron(0 0 ? * 1,3,5,7 *)']],
    ['cron(0 12 ? * MON-FRI *)', ['cron(0 12 ? * MON-FRI *)']],
    ['cron(0/5 8-17 L * ? 2030)', ['cron(0/5 8-17 L * ? 2030)']],
    ['rate(5 minutes)', ['rate(5 minutes)']],
    ['at(2030-01-01T10:00:00)', ['at(2030-01-01T10:00:00)']],
  ];

  it.each(cases)('%s → %j', (expression, expected) => {
    expect(toAwsScheduleExpressions(expression)).toEqual({ ok: true, expressions: expected });
  });

  it('refuses a Vixie AND of both day fields, which AWS cron cannot express, saying why', () => {
    const result = toAwsScheduleExpressions('0 0 */2 * 1');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/both day-of-month and day-of-week/);
  });

  it('passes an invalid expression’s reason on', () => {
    expect(toAwsScheduleExpressions('0 0 32 * *')).toEqual({
      ok: false,
      message: expect.stringContaining('day-of-month'),
    });
  });

  // The converted AWS expressions fire at exactly the Unix expression's times (in a zone with DST).
  const equivalence = [
    '0 12 * * *',
    '*/15 9-17 * * 1-5',
    '0 0 1 * 1',
    '0 0 * * 5-7',
    '0 6 * NOV-FEB *',
    '30 2 * * *',
    '0 0 1-7 * 0',
    '0 0 */1 * 1',
  ];
  it.each(equivalence)(
    '%s fires at the same times as its AWS form (Europe/Berlin, 120 days)',
    (expression) => {
      const window = {
        timezone: 'Europe/Berlin',
        from: new Date('2029-12-15T00:00:00Z'),
        to: new Date('2030-04-14T00:00:00Z'),
        limit: 1000,
      };
      const unix = parseScheduleExpression(expression);
      if (!unix.ok) throw new Error(unix.message);
      const expected = fireTimesBetween(unix.schedule, window).map((t) => t.getTime());
      const converted = toAwsScheduleExpressions(expression);
      if (!converted.ok) throw new Error(converted.message);
      const actual = new Set<number>();
      for (const aws of converted.expressions) {
        const parsed = parseScheduleExpression(aws);
        if (!parsed.ok) throw new Error(`${aws}: ${parsed.message}`);
        for (const t of fireTimesBetween(parsed.schedule, window)) actual.add(t.getTime());
      }
      expect(expected.length).toBeGreaterThan(0);
      expect([...actual].sort((a, b) => a - b)).toEqual(expected);
    },
  );
});
