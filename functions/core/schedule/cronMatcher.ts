import { Cron } from 'croner';

/** What croner evaluates for a cron expression: a 7-part pattern (seconds ... year, Sunday = 0) on the wall clock. */
export interface CronMatcher {
  pattern: string;
  /** true: a day must match both day-of-month and day-of-week; false: either (Vixie's OR). */
  domAndDow: boolean;
}

/** Croner evaluates the pattern on the wall clock, read as UTC; time zones are applied afterwards. */
export function toCron(matcher: CronMatcher): Cron {
  return new Cron(matcher.pattern, {
    timezone: 'UTC',
    mode: '7-part',
    domAndDow: matcher.domAndDow,
    paused: true,
  });
}
