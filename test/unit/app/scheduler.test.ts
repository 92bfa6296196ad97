import { describe, expect, it } from 'vitest';
import {
  type DueInput,
  MAX_CATCH_UP_RUNS,
  MISSED_COUNT_LIMIT,
  planDue,
  scheduleSignature,
} from '../../../functions/app/scheduler.ts';
import {
  countOccurrences,
  hookSchedules,
  nextOccurrence,
} from '../../../functions/core/schedule/hookSchedules.ts';
import type { HookDefinition } from '../../../functions/core/hookDefinition.ts';

/** The due-time logic: which occurrences fire now, which were missed, and the catch-up policy. */
const T = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

function definition(schedule: string[], extra: Partial<HookDefinition> = {}): HookDefinition {
  return {
    hookGroupId: 'g',
    hookId: 'h',
    metadata: { name: 'n', description: 'd', owner: 'o@example.com', emailOnError: true },
    task: {},
    schedule,
    bindings: [],
    triggerSchema: {},
    scheduleTimezone: 'UTC',
    catchUp: 'latest',
    ...extra,
  };
}

function plan(
  schedule: string[],
  input: Omit<DueInput, 'hook' | 'catchUp'> & {
    catchUp?: DueInput['catchUp'];
    timezone?: string;
    anchor?: Date;
  },
) {
  const hook = hookSchedules(
    definition(schedule, { scheduleTimezone: input.timezone ?? 'UTC' }),
    input.anchor ?? T('2020-01-01T00:00:00Z'),
  );
  return planDue({ catchUp: 'latest', ...input, hook });
}

describe('planDue while the scheduler runs', () => {
  const startedAt = T('2030-01-01T00:00:00Z');

  it('fires the occurrence that just came due, and moves the watermark to it', () => {
    const p = plan(['* * * * *'], {
      watermark: T('2030-01-01T12:00:00Z'),
      now: T('2030-01-01T12:01:00.300Z'),
      startedAt,
    });
    expect(iso(p.fire)).toEqual(['2030-01-01T12:01:00.000Z']);
    expect(p).toMatchObject({ missed: 0, more: false, handledUpTo: T('2030-01-01T12:01:00Z') });
  });

  it('does nothing before the next occurrence', () => {
    const p = plan(['* * * * *'], {
      watermark: T('2030-01-01T12:00:00Z'),
      now: T('2030-01-01T12:00:59.999Z'),
      startedAt,
    });
    expect(p).toEqual({ fire: [], missed: 0, handledUpTo: undefined, more: false });
  });

  it('fires every occurrence of a short stall (within lateAfterMs) in order', () => {
    const p = plan(['* * * * *'], {
      watermark: T('2030-01-01T12:00:00Z'),
      now: T('2030-01-01T12:03:00.500Z'),
      startedAt,
      lateAfterMs: 5 * 60_000,
    });
    expect(iso(p.fire)).toEqual([
      '2030-01-01T12:01:00.000Z',
      '2030-01-01T12:02:00.000Z',
      '2030-01-01T12:03:00.000Z',
    ]);
    expect(p.missed).toBe(0);
  });

  it('treats occurrences more than lateAfterMs overdue (a suspended process) as missed', () => {
    const p = plan(['* * * * *'], {
      watermark: T('2030-01-01T12:00:00Z'),
      now: T('2030-01-01T12:05:00.200Z'),
      startedAt,
      lateAfterMs: 60_000,
    });
    // 12:01-12:04 are more than a minute late: missed, `latest` runs 12:04; 12:05 is due.
    expect(p.missed).toBe(4);
    expect(iso(p.fire)).toEqual(['2030-01-01T12:04:00.000Z', '2030-01-01T12:05:00.000Z']);
    expect(p.handledUpTo).toEqual(T('2030-01-01T12:05:00Z'));
  });

  it('one instant of two expressions is one occurrence', () => {
    const p = plan(['0 * * * *', 'cron(0 12 * * ? *)'], {
      watermark: T('2030-01-01T11:30:00Z'),
      now: T('2030-01-01T12:00:00.100Z'),
      startedAt,
    });
    expect(iso(p.fire)).toEqual(['2030-01-01T12:00:00.000Z']);
  });

  it('leaves more than maxDuePerPass due occurrences for the next pass', () => {
    const p = plan(['* * * * *'], {
      watermark: T('2030-01-01T12:00:00Z'),
      now: T('2030-01-01T12:10:00Z'),
      startedAt,
      lateAfterMs: 3_600_000,
      maxDuePerPass: 3,
    });
    expect(iso(p.fire)).toEqual([
      '2030-01-01T12:01:00.000Z',
      '2030-01-01T12:02:00.000Z',
      '2030-01-01T12:03:00.000Z',
    ]);
    expect(p).toMatchObject({ more: true, handledUpTo: T('2030-01-01T12:03:00Z') });
  });

  it('rate(...) fires on the grid anchored at the hook’s creation; at(...) once', () => {
    const anchor = T('2030-01-01T12:00:30Z'); // truncated to 12:00
    const rate = plan(['rate(5 minutes)'], {
      watermark: anchor,
      now: T('2030-01-01T12:05:00.100Z'),
      startedAt,
      anchor,
    });
    expect(iso(rate.fire)).toEqual(['2030-01-01T12:05:00.000Z']);
    const at = plan(['at(2030-01-01T13:00:00)'], {
      watermark: T('2030-01-01T12:00:00Z'),
      now: T('2030-01-01T13:00:00.200Z'),
      startedAt,
      timezone: 'Europe/Berlin',
    });
    expect(iso(at.fire)).toEqual([]); // 13:00 in Berlin was 12:00 UTC, at the watermark: handled
    const atUtc = plan(['at(2030-01-01T13:00:00)'], {
      watermark: T('2030-01-01T12:00:00Z'),
      now: T('2030-01-01T13:00:00.200Z'),
      startedAt,
    });
    expect(iso(atUtc.fire)).toEqual(['2030-01-01T13:00:00.000Z']);
  });
});

describe('planDue after a restart (catch-up)', () => {
  // Down from 12:00 until 13:00:00.5; every 10 minutes → 12:10 ... 13:00 (6 occurrences) were missed.
  const input = {
    watermark: T('2030-01-01T12:00:00Z'),
    now: T('2030-01-01T13:00:00.500Z'),
    startedAt: T('2030-01-01T13:00:00.500Z'),
  };

  it('latest (the default): one run, for the most recent missed time', () => {
    const p = plan(['*/10 * * * *'], { ...input, catchUp: 'latest' });
    expect(iso(p.fire)).toEqual(['2030-01-01T13:00:00.000Z']);
    expect(p).toMatchObject({ missed: 6, handledUpTo: T('2030-01-01T13:00:00Z'), more: false });
  });

  it('none: no run, but the missed ones are counted and the watermark moves past them', () => {
    const p = plan(['*/10 * * * *'], { ...input, catchUp: 'none' });
    expect(p.fire).toEqual([]);
    expect(p).toMatchObject({ missed: 6, handledUpTo: T('2030-01-01T13:00:00Z') });
  });

  it('all: one run per missed occurrence, oldest first', () => {
    const p = plan(['*/10 * * * *'], { ...input, catchUp: 'all' });
    expect(iso(p.fire)).toEqual([
      '2030-01-01T12:10:00.000Z',
      '2030-01-01T12:20:00.000Z',
      '2030-01-01T12:30:00.000Z',
      '2030-01-01T12:40:00.000Z',
      '2030-01-01T12:50:00.000Z',
      '2030-01-01T13:00:00.000Z',
    ]);
    expect(p.missed).toBe(6);
  });

  it('all is bounded: at most the latest 1000 runs; the count stops at MISSED_COUNT_LIMIT', () => {
    // A week down on a per-minute schedule: 10,080 missed.
    const p = plan(['* * * * *'], {
      watermark: T('2030-01-01T00:00:00Z'),
      now: T('2030-01-08T00:00:00.500Z'),
      startedAt: T('2030-01-08T00:00:00.500Z'),
      catchUp: 'all',
    });
    expect(MAX_CATCH_UP_RUNS).toBe(1000);
    expect(p.fire).toHaveLength(MAX_CATCH_UP_RUNS);
    expect(p.fire[0]?.toISOString()).toBe('2030-01-07T07:21:00.000Z');
    expect(p.fire.at(-1)?.toISOString()).toBe('2030-01-08T00:00:00.000Z');
    expect(p.missed).toBe(MISSED_COUNT_LIMIT);
    expect(p.handledUpTo).toEqual(T('2030-01-08T00:00:00Z'));
  });

  it('counts exactly below the limit, across expressions', () => {
    const hook = hookSchedules(
      definition(['0 * * * *', '30 * * * *', '0 12 * * *']),
      T('2020-01-01T00:00:00Z'),
    );
    expect(countOccurrences(hook, T('2030-01-01T00:00:00Z'), T('2030-01-02T00:00:00Z'), 10_000)).toBe(48);
    expect(countOccurrences(hook, T('2030-01-01T00:00:00Z'), T('2030-02-01T00:00:00Z'), 10_000)).toBe(
      31 * 48,
    );
    expect(countOccurrences(hook, T('2030-01-01T00:00:00Z'), T('2030-02-01T00:00:00Z'), 100)).toBe(100);
  });

  it('nothing missed when no occurrence fell in the outage', () => {
    const p = plan(['0 0 1 1 *'], { ...input, catchUp: 'all' });
    expect(p).toEqual({ fire: [], missed: 0, handledUpTo: undefined, more: false });
  });

  it('follows the time zone and skips the wall-clock time that does not exist (spring forward)', () => {
    // Europe/Berlin jumps from 02:00 to 03:00 on 2030-03-31: a daily 02:30 job does not fire that day.
    const p = plan(['30 2 * * *'], {
      watermark: T('2030-03-29T12:00:00Z'),
      now: T('2030-04-01T12:00:00Z'),
      startedAt: T('2030-04-01T12:00:00Z'),
      catchUp: 'all',
      timezone: 'Europe/Berlin',
    });
    expect(iso(p.fire)).toEqual(['2030-03-30T01:30:00.000Z', '2030-04-01T00:30:00.000Z']);
    expect(p.missed).toBe(2);
  });
});

describe('schedule bookkeeping helpers', () => {
  it('the signature changes with the schedules or the time zone only', () => {
    const base = definition(['0 12 * * *']);
    expect(scheduleSignature({ ...base, metadata: { ...base.metadata, name: 'other' } })).toBe(
      scheduleSignature(base),
    );
    expect(scheduleSignature({ ...base, schedule: ['0 13 * * *'] })).not.toBe(scheduleSignature(base));
    expect(scheduleSignature({ ...base, scheduleTimezone: 'Europe/Berlin' })).not.toBe(
      scheduleSignature(base),
    );
  });

  it('nextOccurrence is the earliest over all expressions', () => {
    const hook = hookSchedules(definition(['0 12 * * *', 'cron(30 6 * * ? *)']), T('2020-01-01T00:00:00Z'));
    expect(nextOccurrence(hook, T('2030-01-01T07:00:00Z'))?.toISOString()).toBe('2030-01-01T12:00:00.000Z');
    expect(nextOccurrence(hook, T('2030-01-01T00:00:00Z'))?.toISOString()).toBe('2030-01-01T06:30:00.000Z');
    expect(
      nextOccurrence(hookSchedules(definition([]), T('2020-01-01T00:00:00Z')), T('2030-01-01T00:00:00Z')),
    ).toBeUndefined();
  });
});
