import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgeTriggerSync,
  MAX_TRIGGER_NAME_LENGTH,
  SYNC_CONCURRENCY,
  triggerName,
} from '../../../functions/adapters/aws/eventBridgeTriggerSync.ts';
import { SYNC_PENDING } from '../../../functions/app/syncTriggers.ts';
import type { HookDefinition } from '../../../functions/core/hookDefinition.ts';
import { derivedRunId } from '../../../functions/core/ids.ts';
import { createFireHandler } from '../../../functions/handlers/fire.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { fakeAws } from './fakeAws.ts';

/**
 * The cloud TriggerSync: one Scheduler schedule per expression, changed a bounded batch at a time; no
 * EventBridge rule per binding (the stack's one bus rule and the fire function's router handle bindings).
 */
const config = {
  scheduleGroupName: 'hookline-schedules',
  fireFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:hookline-fire',
  schedulerRoleArn: 'arn:aws:iam::123456789012:role/hookline-scheduler',
};

function definition(extra: Partial<HookDefinition> = {}): HookDefinition {
  return {
    hookGroupId: 'ops',
    hookId: 'nightly/backup',
    metadata: { name: 'n', description: 'd', owner: 'o@example.com', emailOnError: true },
    task: {},
    schedule: [],
    bindings: [],
    triggerSchema: { type: 'object', additionalProperties: false },
    scheduleTimezone: 'UTC',
    catchUp: 'latest',
    ...extra,
  };
}

const patternA = { source: ['shop'], 'detail-type': ['Order Placed'] };
const patternB = { source: ['hookline'], 'detail-type': ['Run Finished'], detail: { result: ['failed'] } };
const name = (n: number) => triggerName('ops', 'nightly/backup', n);

describe('EventBridgeTriggerSync (aws-sdk-client-mock)', () => {
  let aws: ReturnType<typeof fakeAws>;
  let sync: EventBridgeTriggerSync;

  beforeEach(() => {
    aws = fakeAws();
    sync = new EventBridgeTriggerSync({ ...config, scheduler: aws.scheduler });
  });

  it('names schedules hookline-<hash of g/h>-<n>, at most 64 characters', () => {
    expect(name(0)).toMatch(/^hookline-[0-9a-f]{32}-0$/);
    expect(name(0)).not.toBe(triggerName('ops', 'nightly/backup2', 0));
    expect(name(0)).not.toBe(triggerName('ops-nightly', 'backup', 0));
    expect(name(0)).not.toBe(name(1));
    const long = triggerName('g'.repeat(1000), 'h/'.repeat(500), 199);
    expect(long.length).toBeLessThanOrEqual(MAX_TRIGGER_NAME_LENGTH);
    expect(long).toMatch(/^[0-9a-zA-Z._-]+$/);
  });

  it('makes no EventBridge rule for any binding: bindings are routed by the fire function', async () => {
    await sync.sync(definition({ bindings: [patternA, patternB], schedule: ['0 12 * * *'] }));
    expect(aws.eventsMock.calls()).toHaveLength(0);
    expect(aws.rules.size).toBe(0);
    expect([...aws.schedules.keys()]).toEqual([name(0)]);
  });

  it('creates one schedule per expression in the group, with the time zone; Unix cron becomes AWS cron', async () => {
    await sync.sync(
      definition({
        schedule: ['0 12 * * 1-5', 'rate(5 minutes)', 'cron(0 6 L * ? *)', '0 0 1 * 1'],
        scheduleTimezone: 'Europe/Berlin',
      }),
    );
    const created = aws.schedulerMock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    const target = {
      Arn: config.fireFunctionArn,
      RoleArn: config.schedulerRoleArn,
      Input:
        '{"hookGroupId":"ops","hookId":"nightly/backup","scheduledTime":"<aws.scheduler.scheduled-time>"}',
    };
    const expressions = [
      'cron(0 12 ? * 2-6 *)',
      'rate(5 minutes)',
      'cron(0 6 L * ? *)',
      'cron(0 0 1 * ? *)', // Vixie's "1st OR Monday" is two schedules
      'cron(0 0 ? * 2 *)',
    ];
    expect(created).toEqual(
      expressions.map((expression, n) => ({
        Name: name(n),
        GroupName: 'hookline-schedules',
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Europe/Berlin',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Description: `Hookline schedule ${n} of ops/nightly/backup`,
        Target: target,
      })),
    );
  });

  it('changes nothing when everything already matches', async () => {
    const def = definition({ bindings: [patternA], schedule: ['0 12 * * *'] });
    await sync.sync(def);
    aws.resetHistory();
    await sync.sync(def);
    expect(aws.sent().filter((c) => !/^(Describe|Get|List)/.test(c))).toEqual([]);
  });

  it('diffs an update: changes what differs, deletes what is no longer there (highest first)', async () => {
    await sync.sync(definition({ schedule: ['0 12 * * *', 'rate(1 hour)', 'rate(2 hours)'] }));
    aws.resetHistory();
    await sync.sync(definition({ schedule: ['0 12 * * *', 'rate(3 hours)'] }));
    expect(aws.schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(
      aws.schedulerMock
        .commandCalls(UpdateScheduleCommand)
        .map((c) => [c.args[0].input.Name, c.args[0].input.ScheduleExpression]),
    ).toEqual([[name(1), 'rate(3 hours)']]);
    expect(aws.schedulerMock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: name(2), GroupName: 'hookline-schedules' },
    ]);
    expect([...aws.schedules.keys()].sort()).toEqual([name(0), name(1)].sort());
  });

  it('repairs drift: a schedule changed by hand is put back', async () => {
    const def = definition({ schedule: ['0 12 * * *'], scheduleTimezone: 'UTC' });
    await sync.sync(def);
    aws.schedules.set(name(0), { ...aws.schedules.get(name(0))!, ScheduleExpression: 'cron(0 13 * * ? *)' });
    aws.resetHistory();
    await sync.sync(def);
    expect(
      aws.schedulerMock.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input.ScheduleExpression),
    ).toEqual(['cron(0 12 * * ? *)']);
  });

  it('remove deletes every schedule, highest first', async () => {
    await sync.sync(definition({ schedule: ['0 12 * * *', '0 0 1 * 1'] }));
    await sync.remove('ops', 'nightly/backup');
    expect(aws.schedules.size).toBe(0);
    expect(aws.schedulerMock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input.Name)).toEqual([
      name(2),
      name(1),
      name(0),
    ]);
  });

  it('refuses, before changing anything, a Unix cron AWS cannot express', async () => {
    await expect(sync.sync(definition({ schedule: ['rate(1 hour)', '0 0 */2 * 1'] }))).rejects.toThrow(
      /0 0 \*\/2 \* 1.*both day-of-month and day-of-week/,
    );
    expect(aws.schedules.size).toBe(0);
  });

  it('50 schedules are created, changed and removed in bounded calls, SYNC_CONCURRENCY at a time', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `rate(${i + 2} minutes)`);
    let inFlight = 0;
    let most = 0;
    aws.schedulerMock.on(GetScheduleCommand).callsFake(async (input) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      const found = aws.schedules.get(input.Name);
      if (!found) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      return structuredClone(found);
    });
    await sync.sync(definition({ schedule: fifty, bindings: Array(50).fill(patternA) }));
    expect(aws.schedules.size).toBe(50);
    // One read and one write per schedule, plus one batch of probes past the end.
    expect(aws.sent().length).toBeLessThanOrEqual(50 * 2 + SYNC_CONCURRENCY);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(SYNC_CONCURRENCY);

    aws.resetHistory();
    await sync.sync(definition({ schedule: fifty.map((e) => e.replace('minutes', 'hours')) }));
    expect(aws.schedulerMock.commandCalls(UpdateScheduleCommand)).toHaveLength(50);
    expect(aws.sent().length).toBeLessThanOrEqual(50 * 2 + SYNC_CONCURRENCY);

    aws.resetHistory();
    await sync.remove('ops', 'nightly/backup');
    expect(aws.schedules.size).toBe(0);
    expect(aws.sent().length).toBeLessThanOrEqual(50 * 2 + SYNC_CONCURRENCY);
  });
});

describe('a failure halfway is recorded on the hook and reconcile repairs it', () => {
  let stack: TestStack;
  let aws: ReturnType<typeof fakeAws>;

  beforeAll(async () => {
    stack = await startTestStack({ dataDir: null });
    aws = fakeAws();
    stack.services.triggers = new EventBridgeTriggerSync({ ...config, scheduler: aws.scheduler });
  });
  afterAll(async () => {
    await stack.cleanup();
  });

  const fifty = Array.from({ length: 50 }, (_, i) => `rate(${i + 2} minutes)`);
  const body = (schedule: string[]) =>
    hookBody(
      { task: { name: 't', command: 'true' } },
      {
        bindings: Array.from({ length: 50 }, (_, i) => ({ source: ['shop'], detail: { n: [i] } })),
        schedule,
      },
    );

  it('the definition is stored marked out of sync before any schedule changes (a kill halfway says so)', async () => {
    const seen: Array<string[] | undefined> = [];
    const real = stack.services.triggers!;
    stack.services.triggers = {
      sync: async (definition) => {
        seen.push((await stack.services.store.getHook(definition.hookGroupId, definition.hookId))?.outOfSync);
        await real.sync(definition);
      },
      remove: (g, h) => real.remove(g, h),
    };
    try {
      expect((await stack.api('PUT', '/hooks/ops/marked', body(fifty.slice(0, 3)))).status).toBe(200);
      expect((await stack.api('POST', '/hooks/ops/marked', body(fifty.slice(0, 4)))).status).toBe(200);
    } finally {
      stack.services.triggers = real;
    }
    expect(seen).toEqual([[SYNC_PENDING], [SYNC_PENDING]]);
    const status = await stack.api<{ outOfSync?: string[] }>('GET', '/hooks/ops/marked/status');
    expect(status.body.outOfSync).toBeUndefined();
    expect(aws.schedules.size).toBe(4);
    expect((await stack.api('DELETE', '/hooks/ops/marked')).status).toBe(200);
    expect(aws.schedules.size).toBe(0);
  });

  it('50 bindings and 50 schedules: a failure halfway leaves outOfSync set; reconcile repairs', async () => {
    aws.failWhen(
      (command, input) => command === 'CreateSchedule' && input.Name === triggerName('ops', 'half', 30),
    );
    const created = await stack.api('PUT', '/hooks/ops/half', body(fifty));
    expect(created.status).toBe(200); // the hook is stored; its schedules are not all there
    expect(aws.schedules.size).toBeLessThan(50);

    const status = await stack.api<{ outOfSync?: string[] }>('GET', '/hooks/ops/half/status');
    expect(status.body.outOfSync).toEqual([
      expect.stringMatching(/^rules\/schedules not updated: CreateSchedule failed/),
    ]);

    // Still failing: reconcile says so and the mark stays.
    const stillBroken = await stack.api<{ outOfSync: string[] }>('POST', '/hooks/ops/half/reconcile');
    expect(stillBroken.status).toBe(200);
    expect(stillBroken.body.outOfSync).toHaveLength(1);

    aws.failWhen(undefined);
    const repaired = await stack.api<{ outOfSync: string[] }>('POST', '/hooks/ops/half/reconcile');
    expect(repaired.status).toBe(200);
    expect(repaired.body).toEqual({ outOfSync: [] });
    expect(aws.schedules.size).toBe(50);
    const after = await stack.api<{ outOfSync?: string[] }>('GET', '/hooks/ops/half/status');
    expect(after.body.outOfSync).toBeUndefined();
  });

  it('what a schedule delivers is what the fire function takes', async () => {
    const input = aws.schedules.get(triggerName('ops', 'half', 0))?.Target?.Input;
    const fire = createFireHandler(stack.services);
    const fromSchedule = await fire(
      JSON.parse(input!.replace('<aws.scheduler.scheduled-time>', '2030-01-01T12:00:00Z')),
    );
    expect(fromSchedule).toMatchObject({
      kind: 'started',
      runId: derivedRunId('ops', 'half', 'schedule', 'schedule:2030-01-01T12:00:00.000Z'),
    });
    await stack.waitForRunFinished((fromSchedule as { runId: string }).runId);
  });

  it('a removal failing halfway keeps the hook, marked; removing again deletes the rest; fires stay to TTL', async () => {
    aws.failWhen(
      (command, input) => command === 'DeleteSchedule' && input.Name === triggerName('ops', 'half', 5),
    );
    const failed = await stack.api<{ message: string }>('DELETE', '/hooks/ops/half');
    expect(failed.status).toBe(500);
    expect(failed.body.message).toMatch(/was not removed.*remove it again/);
    const status = await stack.api<{ outOfSync?: string[] }>('GET', '/hooks/ops/half/status');
    expect(status.body.outOfSync).toEqual([
      expect.stringMatching(/^rules\/schedules not removed: DeleteSchedule failed/),
    ]);
    expect(aws.schedules.size).toBeGreaterThan(0);

    aws.failWhen(undefined);
    expect((await stack.api('DELETE', '/hooks/ops/half')).status).toBe(200);
    expect(aws.schedules.size).toBe(0);
    expect((await stack.api('GET', '/hooks/ops/half')).status).toBe(404);
    const fires = await stack.services.store.listFires('ops', 'half', { limit: 10 });
    expect(fires.items).toHaveLength(1);
    expect(fires.items[0]!.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });
});
