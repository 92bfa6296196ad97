import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import { LocalScheduler } from '../../../functions/adapters/local/localScheduler.ts';
import { allowAll, createApiApp } from '../../../functions/api/app.ts';
import { nextScheduledDate } from '../../../functions/app/hookStatus.ts';
import { planDue } from '../../../functions/app/scheduler.ts';
import type { Services } from '../../../functions/app/services.ts';
import type { HookDefinition } from '../../../functions/core/hookDefinition.ts';
import { hookSchedules, nextOccurrence } from '../../../functions/core/schedule/hookSchedules.ts';
import type { HookRecord } from '../../../functions/ports/store.ts';

/**
 * Issue 15: one next-fire-time function (core/schedule/hookSchedules.ts `nextOccurrence`), and the
 * status, the scheduler (its due plan and its catch-up), the local scheduler's next due time and the
 * schedule preview all give its answer — for every kind of expression, across DST transitions.
 * Everything runs in-process with an injected clock.
 */
const T = (iso: string) => new Date(iso);

interface Case {
  name: string;
  expression: string;
  timezone: string;
  createdAt: string;
  /** The instants asked about, each with the next fire time expected after it. */
  asks: Array<[after: string, next: string]>;
}

const cases: Case[] = [
  {
    name: 'rate with the creation anchor (the status bug: 00:10 instead of 00:07)',
    expression: 'rate(7 minutes)',
    timezone: 'UTC',
    createdAt: '2030-01-01T00:00:00.000Z',
    asks: [
      ['2030-01-01T00:03:00.000Z', '2030-01-01T00:07:00.000Z'],
      ['2030-01-01T00:07:00.000Z', '2030-01-01T00:14:00.000Z'],
    ],
  },
  {
    name: 'rate(1 day) is 24 hours across the New York spring-forward',
    expression: 'rate(1 day)',
    timezone: 'America/New_York',
    createdAt: '2030-03-09T12:00:30.000Z',
    asks: [
      ['2030-03-09T13:00:00.000Z', '2030-03-10T12:00:00.000Z'],
      ['2030-03-10T12:00:00.000Z', '2030-03-11T12:00:00.000Z'],
    ],
  },
  {
    name: 'AWS cron at 02:30 Berlin: skipped on the spring-forward day, once on the fall-back day',
    expression: 'cron(30 2 * * ? *)',
    timezone: 'Europe/Berlin',
    createdAt: '2030-01-01T00:00:00.000Z',
    asks: [
      ['2030-03-30T12:00:00.000Z', '2030-04-01T00:30:00.000Z'],
      ['2030-10-26T12:00:00.000Z', '2030-10-27T00:30:00.000Z'],
      ['2030-10-27T00:30:00.000Z', '2030-10-28T01:30:00.000Z'],
    ],
  },
  {
    name: 'at(...) in the New York spring-forward gap moves forward by the gap',
    expression: 'at(2030-03-10T02:30:00)',
    timezone: 'America/New_York',
    createdAt: '2030-01-01T00:00:00.000Z',
    asks: [['2030-03-01T00:00:00.000Z', '2030-03-10T07:30:00.000Z']],
  },
  {
    name: 'Unix 5-field at 01:30 New York: the repeated hour of the fall-back fires once',
    expression: '30 1 * * *',
    timezone: 'America/New_York',
    createdAt: '2030-01-01T00:00:00.000Z',
    asks: [
      ['2030-11-02T12:00:00.000Z', '2030-11-03T05:30:00.000Z'],
      ['2030-11-03T05:30:00.000Z', '2030-11-04T06:30:00.000Z'],
    ],
  },
  {
    name: "Taskcluster's 6-field form at 02:00 Berlin over the spring-forward",
    expression: '0 0 2 * * *',
    timezone: 'Europe/Berlin',
    createdAt: '2030-01-01T00:00:00.000Z',
    asks: [
      ['2030-03-30T12:00:00.000Z', '2030-04-01T00:00:00.000Z'],
      ['2030-03-29T12:00:00.000Z', '2030-03-30T01:00:00.000Z'],
    ],
  },
];

function recordOf(c: Case, lastScheduledAt: string): HookRecord {
  const definition: HookDefinition = {
    hookGroupId: 'agree',
    hookId: 'h',
    metadata: { name: 'n', description: 'd', owner: 'o@example.com', emailOnError: true },
    task: {},
    schedule: [c.expression],
    bindings: [],
    triggerSchema: {},
    scheduleTimezone: c.timezone,
    catchUp: 'latest',
  };
  return {
    definition,
    triggerTokenHash: 'x',
    triggerTokenNonce: 'x',
    createdAt: c.createdAt,
    updatedAt: c.createdAt,
    version: 1,
    configVersion: 1,
    signingSecret: 'x',
    lastScheduledAt,
  };
}

/** The local scheduler's next due time for a hook whose watermark is `after`, with the clock at `after`. */
async function localSchedulerNextDue(record: HookRecord, after: Date): Promise<Date | undefined> {
  const services = {
    clock: { now: () => after },
    logger: memoryLogger(),
    store: { listAllHooks: async () => [record], getHook: async () => record },
  } as unknown as Services;
  const scheduler = new LocalScheduler(services);
  await scheduler.start();
  try {
    return scheduler.nextDue('agree', 'h');
  } finally {
    await scheduler.stop();
  }
}

async function previewTimes(c: Case, from: string, count: number): Promise<string[]> {
  const services = { clock: { now: () => T(from) }, logger: memoryLogger() } as unknown as Services;
  const app = createApiApp(services, { authorizer: allowAll });
  const query = new URLSearchParams({
    expression: c.expression,
    timezone: c.timezone,
    from,
    count: String(count),
  });
  const res = await app.request(`/api/hooks/v1/schedule-preview?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { times: string[] }).times;
}

describe('one next fire time: status, scheduler, catch-up and preview agree', () => {
  for (const c of cases) {
    describe(c.name, () => {
      it.each(c.asks)('after %s', async (after, next) => {
        const record = recordOf(c, after);
        const hook = hookSchedules(record.definition, T(c.createdAt));
        const expected = nextOccurrence(hook, T(after));
        expect(expected?.toISOString()).toBe(next);

        // getHookStatus
        expect(nextScheduledDate(record, T(after))).toBe(next);

        // the scheduler, running: nothing before the time, that occurrence at it
        const running = { hook, catchUp: 'latest' as const, watermark: T(after), startedAt: T(after) };
        expect(planDue({ ...running, now: new Date(T(next).getTime() - 1) }).fire).toEqual([]);
        expect(planDue({ ...running, now: T(next) }).fire).toEqual([T(next)]);

        // the scheduler's catch-up, started just after the time: that occurrence is the one missed
        const late = new Date(T(next).getTime() + 1);
        const caughtUp = planDue({
          hook,
          catchUp: 'latest',
          watermark: T(after),
          now: late,
          startedAt: late,
        });
        expect(caughtUp).toMatchObject({ fire: [T(next)], missed: 1 });

        // the local scheduler's next due time
        expect((await localSchedulerNextDue(record, T(after)))?.toISOString()).toBe(next);

        // the preview: from `after` (a rate grid starts at `from`, so it is asked from the creation)
        if (c.expression.startsWith('rate(')) {
          expect(await previewTimes(c, c.createdAt, 100)).toContain(next);
        } else {
          expect((await previewTimes(c, after, 1))[0]).toBe(next);
        }
      });
    });
  }
});
