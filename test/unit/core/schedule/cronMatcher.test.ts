import { describe, expect, it } from 'vitest';
import { toCron } from '../../../../functions/core/schedule/cronMatcher.ts';

/** Croner over a 7-part pattern on the wall clock read as UTC (functions/core/schedule/cronMatcher.ts). */
const next = (pattern: string, domAndDow: boolean, from: string) =>
  toCron({ pattern, domAndDow }).nextRun(new Date(from))?.toISOString();

describe('toCron', () => {
  it('evaluates seconds ... year in UTC, paused (it never fires on its own)', () => {
    const cron = toCron({ pattern: '0 30 9 * * * *', domAndDow: false });
    expect(cron.isStopped()).toBe(false);
    expect(cron.isRunning()).toBe(false);
    expect(next('0 30 9 * * * *', false, '2030-01-01T10:00:00Z')).toBe('2030-01-02T09:30:00.000Z');
    expect(next('0 0 0 1 1 * 2031', false, '2030-06-01T00:00:00Z')).toBe('2031-01-01T00:00:00.000Z');
  });

  it('a day matches both day fields, or either (Vixie’s OR), as asked', () => {
    // the 13th that is a Friday, after 2030-01-01: 2030-09-13
    expect(next('0 0 0 13 * 5 *', true, '2030-01-01T00:00:00Z')).toBe('2030-09-13T00:00:00.000Z');
    // the 13th or any Friday: Friday 2030-01-04 comes first
    expect(next('0 0 0 13 * 5 *', false, '2030-01-01T00:00:00Z')).toBe('2030-01-04T00:00:00.000Z');
  });
});
