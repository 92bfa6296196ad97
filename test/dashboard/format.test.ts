import { describe, expect, it } from 'vitest';
import { byteSize, duration, relativeTime, scheduleInWords } from '../../dashboard/src/format.ts';
import { mergeText } from '../../dashboard/src/ui/useRunStream.ts';

describe('scheduleInWords', () => {
  it.each([
    ['rate(5 minutes)', 'every 5 minutes'],
    ['rate(1 hour)', 'every hour'],
    ['cron(30 2 * * ? *)', 'at 02:30 every day'],
    ['cron(0 9 ? * MON-FRI *)', 'at 09:00 on Monday–Friday'],
    ['cron(0 9 ? * SAT,SUN *)', 'at 09:00 on Saturday, Sunday'],
    ['cron(15 * * * ? *)', 'at minute 15 of every hour'],
    ['cron(0/10 * * * ? *)', 'every 10 minutes'],
    ['cron(0 6 1 * ? *)', 'at 06:00 on day 1 of every month'],
    ['at(2030-01-01T10:00:00)', 'once at 2030-01-01 10:00:00'],
  ])('%s reads "%s"', (expression, words) => {
    expect(scheduleInWords(expression)).toBe(words);
  });

  it('shows what it cannot say simply as it is', () => {
    expect(scheduleInWords('cron(0 9 ? 1-6 MON 2030)')).toBe('cron(0 9 ? 1-6 MON 2030)');
    expect(scheduleInWords('cron(0 9-17 * * ? *)')).toBe('cron(0 9-17 * * ? *)');
  });
});

describe('mergeText (output arriving by offset)', () => {
  it('appends text that continues what is known', () => {
    expect(mergeText('abc', 3, 'def')).toBe('abcdef');
  });
  it('keeps only the new part of a piece that overlaps (a repeat after reconnecting)', () => {
    expect(mergeText('abcdef', 3, 'defgh')).toBe('abcdefgh');
    expect(mergeText('abcdef', 0, 'abc')).toBe('abcdef');
  });
  it('reports a gap when text before the piece is missing', () => {
    expect(mergeText('abc', 5, 'xyz')).toBe('gap');
  });
});

describe('times', () => {
  it('says durations and distances in words', () => {
    expect(duration(250)).toBe('250 ms');
    expect(duration(2500)).toBe('2.5 s');
    expect(duration(125_000)).toBe('2 min 5 s');
    const now = Date.parse('2030-01-01T12:00:00Z');
    expect(relativeTime('2030-01-01T11:57:00Z', now)).toBe('3 min ago');
    expect(relativeTime('2030-01-01T14:00:00Z', now)).toBe('in 2 h');
    expect(relativeTime('2030-01-01T12:00:02Z', now)).toBe('just now');
  });
});

describe('byteSize (artifact sizes on the run page)', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [100 * 1024 * 1024, '100.0 MiB'],
  ])('%d bytes read as %s', (bytes, text) => {
    expect(byteSize(bytes)).toBe(text);
  });
});
