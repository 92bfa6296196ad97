import type { RunResult, StepStatus } from './api/types.ts';

/** "3 min ago", "in 2 h", for a time near now. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit] =
    abs < 60
      ? [abs, 's']
      : abs < 3600
        ? [Math.round(abs / 60), 'min']
        : abs < 86400
          ? [Math.round(abs / 3600), 'h']
          : [Math.round(abs / 86400), 'd'];
  if (abs < 5) return 'just now';
  return seconds < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

/** A time in the reader's locale (or the given IANA zone). */
export function localTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    ...(timeZone ? { timeZone } : {}),
  });
}

export function duration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A size in bytes as people read it: 512 B, 1.5 KiB, 12.0 MiB. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

const DAYS: Record<string, string> = {
  SUN: 'Sunday',
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
  '1': 'Sunday',
  '2': 'Monday',
  '3': 'Tuesday',
  '4': 'Wednesday',
  '5': 'Thursday',
  '6': 'Friday',
  '7': 'Saturday',
};

const pad = (text: string) => text.padStart(2, '0');

/**
 * A schedule in words, from its canonical form (AWS `cron(…)`, `rate(…)`, `at(…)`, as the API stores
 * it): "every 5 minutes", "at 02:30 every day", "at 09:00 on Monday-Friday". Forms it cannot say
 * simply are shown as they are.
 */
export function scheduleInWords(expression: string): string {
  const rate = /^rate\((\d+) (\w+)\)$/.exec(expression);
  if (rate) return rate[1] === '1' ? `every ${rate[2]!.replace(/s$/, '')}` : `every ${rate[1]} ${rate[2]}`;
  const at = /^at\((.+)\)$/.exec(expression);
  if (at) return `once at ${at[1]!.replace('T', ' ')}`;
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) return expression;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = cron[1]!.split(' ');
  if (!minute || !hour || !dayOfMonth || !month || !dayOfWeek) return expression;
  const plainMonthAndYear = month === '*' && (year === undefined || year === '*');
  if (!plainMonthAndYear) return expression;
  let when: string;
  if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) when = `at ${pad(hour)}:${pad(minute)}`;
  else if (/^\d+$/.test(minute) && hour === '*') when = `at minute ${minute} of every hour`;
  else if (/^0\/(\d+)$/.test(minute) && hour === '*') when = `every ${minute.slice(2)} minutes`;
  else if (/^\*\/(\d+)$/.test(minute) && hour === '*') when = `every ${minute.slice(2)} minutes`;
  else if (minute === '*' && hour === '*') when = 'every minute';
  else return expression;
  const dayName = (d: string) => DAYS[d.toUpperCase()] ?? d;
  if ((dayOfMonth === '*' || dayOfMonth === '?') && (dayOfWeek === '*' || dayOfWeek === '?'))
    return /^at \d/.test(when) ? `${when} every day` : when;
  if (dayOfMonth === '?' || dayOfMonth === '*') {
    const days = dayOfWeek
      .split(',')
      .map((part) => part.split('-').map(dayName).join('–'))
      .join(', ');
    return `${when} on ${days}`;
  }
  if (/^\d+$/.test(dayOfMonth)) return `${when} on day ${dayOfMonth} of every month`;
  return expression;
}

/** How a status reads, with an icon so that colour is never the only sign. */
export const STATUS_LOOK: Record<
  StepStatus | RunResult | 'finished' | 'no-fire' | 'error' | 'fired',
  { icon: string; tone: string; label: string }
> = {
  pending: { icon: '○', tone: 'neutral', label: 'pending' },
  running: { icon: '◐', tone: 'info', label: 'running' },
  finished: { icon: '●', tone: 'neutral', label: 'finished' },
  succeeded: { icon: '✓', tone: 'ok', label: 'succeeded' },
  succeeded_with_warnings: { icon: '⚠', tone: 'warn', label: 'succeeded with warnings' },
  failed: { icon: '✗', tone: 'bad', label: 'failed' },
  error: { icon: '✗', tone: 'bad', label: 'error' },
  timed_out: { icon: '⏱', tone: 'bad', label: 'timed out' },
  cancelled: { icon: '⊘', tone: 'warn', label: 'cancelled' },
  skipped: { icon: '↷', tone: 'neutral', label: 'skipped' },
  fired: { icon: '➚', tone: 'info', label: 'fired' },
  'no-fire': { icon: '–', tone: 'neutral', label: 'never fired' },
};
