import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledFire } from '../../../functions/adapters/local/localScheduler.ts';
import { fireFromSchedule } from '../../../functions/app/fireFromSources.ts';
import { derivedRunId } from '../../../functions/core/ids.ts';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../../support/stack.ts';
import { TestClock } from '../../support/testClock.ts';

const scheduleRunId = (g: string, h: string, time: string) =>
  derivedRunId(g, h, 'schedule', `schedule:${time}`);

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Echoes what a scheduled fire renders with. */
const echoNow = { task: { name: 'now', command: ['echo', { $eval: 'firedBy + " " + now + " " + runId' }] } };
/** Renders to null: the fire is recorded as declined (with its run id), nothing runs. */
const declines = { $if: 'false', then: { task: { name: 'never', command: 'true' } } };

describe('the local scheduler fires scheduled hooks (injected clock)', () => {
  let stack: TestStack;
  const clock = new TestClock('2030-01-01T11:00:00Z'); // the stack starts well before the test's times;
  const fires: ScheduledFire[] = [];

  beforeAll(async () => {
    stack = await startTestStack({
      dataDir: null,
      clock,
      schedulerTickMs: 100,
      onScheduledFire: (f) => fires.push(f),
    });
  });
  afterAll(async () => {
    await stack.cleanup();
  });

  // How soon after its due time a fire happens is a figure of `npm run bench -- events` (scheduler delay).
  it('fires at the due time (never before), with now = the scheduled time and a run id derived from it', async () => {
    clock.set('2030-01-01T11:59:59.000Z');
    const created = await stack.api(
      'PUT',
      '/hooks/sched/minutely',
      hookBody(echoNow, { schedule: ['* * * * *'] }),
    );
    expect(created.status).toBe(200);
    const status = await stack.api<{ nextScheduledDate: string }>('GET', '/hooks/sched/minutely/status');
    expect(status.body.nextScheduledDate).toBe('2030-01-01T12:00:00.000Z');

    const fire = await until('the 12:00 fire', () => fires.find((f) => f.hookId === 'minutely'));
    expect(fire.scheduledTime.toISOString()).toBe('2030-01-01T12:00:00.000Z');
    expect(fire.firedAt.getTime()).toBeGreaterThanOrEqual(fire.scheduledTime.getTime());
    const runId = scheduleRunId('sched', 'minutely', '2030-01-01T12:00:00.000Z');
    expect(fire.outcome).toEqual({ kind: 'started', runId });

    const run = await stack.waitForRunFinished(runId);
    expect(run.firedBy).toBe('schedule');
    expect(run.steps[0]?.output?.stdout).toBe(`schedule 2030-01-01T12:00:00.000Z ${runId}\n`);
    const record = await stack.services.store.getHook('sched', 'minutely');
    expect(record?.lastScheduledAt).toBe('2030-01-01T12:00:00.000Z');
  });

  it('never runs an occurrence twice: firing the same scheduled time again starts nothing', async () => {
    const hook = (await stack.services.store.getHook('sched', 'minutely'))!;
    const again = await fireFromSchedule(stack.services, hook, new Date('2030-01-01T12:00:00.000Z'));
    expect(again).toEqual({
      kind: 'duplicate',
      runId: scheduleRunId('sched', 'minutely', '2030-01-01T12:00:00.000Z'),
    });
    const runs = await stack.api<{ runs: unknown[] }>('GET', '/hooks/sched/minutely/runs');
    expect(runs.body.runs).toHaveLength(1);
  });

  it('follows the injected clock: moved to just before 12:05, it fires 12:05 without waiting minutes', async () => {
    clock.set('2030-01-01T12:04:59.800Z');
    const fire = await until('the 12:05 fire', () =>
      fires.find(
        (f) => f.hookId === 'minutely' && f.scheduledTime.toISOString() === '2030-01-01T12:05:00.000Z',
      ),
    );
    // Five minutes of schedule passed in the test's few seconds: the scheduler followed the clock.
    expect(fire.firedAt.getTime()).toBeGreaterThanOrEqual(fire.scheduledTime.getTime());
    // The jump skipped 12:01-12:04. Those more than a minute overdue when the scheduler looked (12:01-12:03,
    // or 12:01-12:04 if it looked after 12:05) are missed, and `latest` runs the most recent of them; the
    // rest fire as due. Either way each of 12:01-12:04 is counted missed or fired, and 12:05 fires.
    await stack.scheduler.runDue();
    const record = await stack.services.store.getHook('sched', 'minutely');
    expect(record?.lastScheduledAt).toBe('2030-01-01T12:05:00.000Z');
    const times = fires.filter((f) => f.hookId === 'minutely').map((f) => f.scheduledTime.toISOString());
    expect(times[0]).toBe('2030-01-01T12:00:00.000Z');
    expect(times.at(-1)).toBe('2030-01-01T12:05:00.000Z');
    const skipped = times.slice(1, -1);
    expect(skipped.at(-1)).toBe('2030-01-01T12:04:00.000Z');
    expect([
      ['2030-01-01T12:03:00.000Z', '2030-01-01T12:04:00.000Z'],
      ['2030-01-01T12:04:00.000Z'],
    ]).toContainEqual(skipped);
    expect(record?.missedOccurrences).toBe(skipped.length === 2 ? 3 : 4);
    for (const f of fires) if (f.outcome.kind === 'started') await stack.waitForRunFinished(f.outcome.runId);
  });

  it('a changed schedule starts from the change: occurrences of the new schedule before it are not owed', async () => {
    clock.set('2030-01-01T13:00:30Z');
    await stack.api('PUT', '/hooks/sched/changed', hookBody(declines, { schedule: ['0 0 1 1 *'] }));
    clock.set('2030-01-01T15:00:30Z');
    await stack.scheduler.runDue();
    const updated = await stack.api(
      'POST',
      '/hooks/sched/changed',
      hookBody(declines, { schedule: ['*/10 * * * *'] }),
    );
    expect(updated.status).toBe(200);
    await stack.scheduler.runDue();
    expect(fires.filter((f) => f.hookId === 'changed')).toEqual([]);
    const record = await stack.services.store.getHook('sched', 'changed');
    expect(Date.parse(record!.lastScheduledAt!)).toBeGreaterThanOrEqual(Date.parse('2030-01-01T15:00:30Z'));
    expect(record?.missedOccurrences ?? 0).toBe(0);
    expect(stack.scheduler.nextDue('sched', 'changed')?.toISOString()).toBe('2030-01-01T15:10:00.000Z');
  });
});

describe('catch-up after the local stack was down', () => {
  const dataDir = tempDataDir('hookline-catchup-');
  const clock = new TestClock('2030-01-01T10:00:30Z');
  let stack: TestStack | undefined;

  beforeAll(async () => {
    const first = await startTestStack({ dataDir, clock, schedulerTickMs: 100 });
    const schedule = ['*/10 * * * *'];
    await first.api('PUT', '/hooks/catchup/latest', hookBody(echoNow, { schedule }));
    await first.api('PUT', '/hooks/catchup/none', hookBody(echoNow, { schedule, catchUp: 'none' }));
    await first.api('PUT', '/hooks/catchup/all', hookBody(declines, { schedule, catchUp: 'all' }));
    await first.api('PUT', '/hooks/catchup/quiet', hookBody(echoNow, { schedule: ['0 0 1 1 *'] }));
    await first.stop();
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const missedTimes = ['10:10', '10:20', '10:30', '10:40', '10:50', '11:00'].map(
    (t) => `2030-01-01T${t}:00.000Z`,
  );

  it('handles an hour of missed occurrences by each hook’s catchUp policy and shows how many were missed', async () => {
    clock.set('2030-01-01T11:00:30Z'); // down for an hour: 10:10 ... 11:00 were missed
    stack = await startTestStack({ dataDir, clock, schedulerTickMs: 100 });
    await stack.scheduler.runDue(); // waits for the start's catch-up pass

    // latest (the default): one run, for 11:00, with now = 11:00.
    const latestRunId = scheduleRunId('catchup', 'latest', '2030-01-01T11:00:00.000Z');
    const latestRuns = await stack.api<{ runs: Array<{ runId: string }> }>(
      'GET',
      '/hooks/catchup/latest/runs',
    );
    expect(latestRuns.body.runs.map((r) => r.runId)).toEqual([latestRunId]);
    const run = await stack.waitForRunFinished(latestRunId);
    expect(run.steps[0]?.output?.stdout).toBe(`schedule 2030-01-01T11:00:00.000Z ${latestRunId}\n`);

    // none: nothing ran.
    const noneFires = await stack.api<{ lastFires: unknown[] }>('GET', '/hooks/catchup/none/last-fires');
    expect(noneFires.body.lastFires).toEqual([]);

    // all: one fire per missed occurrence (declined by the template, each with its own run id).
    const allFires = await stack.api<{
      lastFires: Array<{ runId: string; result: string; firedBy: string }>;
    }>('GET', '/hooks/catchup/all/last-fires');
    expect(allFires.body.lastFires.map((f) => f.runId).sort()).toEqual(
      missedTimes.map((t) => scheduleRunId('catchup', 'all', t)).sort(),
    );
    expect(allFires.body.lastFires.every((f) => f.result === 'declined' && f.firedBy === 'schedule')).toBe(
      true,
    );

    for (const hookId of ['latest', 'none', 'all']) {
      const status = await stack.api<{ missedOccurrences?: number; nextScheduledDate: string }>(
        'GET',
        `/hooks/catchup/${hookId}/status`,
      );
      expect(status.body.missedOccurrences).toBe(6);
      expect(status.body.nextScheduledDate).toBe('2030-01-01T11:10:00.000Z');
    }
    const quiet = await stack.api<{ missedOccurrences?: number }>('GET', '/hooks/catchup/quiet/status');
    expect(quiet.body.missedOccurrences ?? 0).toBe(0);
  });

  it('runs no occurrence twice across another restart', async () => {
    await stack!.stop();
    clock.set('2030-01-01T11:00:40Z');
    stack = await startTestStack({ dataDir, clock, schedulerTickMs: 100 });
    await stack.scheduler.runDue();
    const latestRuns = await stack.api<{ runs: unknown[] }>('GET', '/hooks/catchup/latest/runs');
    expect(latestRuns.body.runs).toHaveLength(1);
    const allFires = await stack.api<{ lastFires: unknown[] }>('GET', '/hooks/catchup/all/last-fires');
    expect(allFires.body.lastFires).toHaveLength(6);
    const status = await stack.api<{ missedOccurrences?: number }>('GET', '/hooks/catchup/latest/status');
    expect(status.body.missedOccurrences).toBe(6);
  });
});
