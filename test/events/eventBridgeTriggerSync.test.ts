import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgeTriggerSync,
  MAX_TRIGGER_NAME_LENGTH,
  triggerName,
} from '../../functions/adapters/aws/eventBridgeTriggerSync.ts';
import type { HookDefinition } from '../../functions/core/hookDefinition.ts';
import { derivedRunId } from '../../functions/core/ids.ts';
import { createFireHandler } from '../../functions/handlers/fire.ts';
import { hookBody, startTestStack, type TestStack } from '../support/stack.ts';
import { fakeAws } from './fakeAws.ts';

/** The cloud TriggerSync: one EventBridge rule per binding, one Scheduler schedule per expression. */
const config = {
  eventBusName: 'hookline-bus',
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
    sync = new EventBridgeTriggerSync({ ...config, events: aws.events, scheduler: aws.scheduler });
  });

  it('names rules and schedules hookline-<hash of g/h>-<n>, at most 64 characters', () => {
    expect(name(0)).toMatch(/^hookline-[0-9a-f]{32}-0$/);
    expect(name(0)).not.toBe(triggerName('ops', 'nightly/backup2', 0));
    expect(name(0)).not.toBe(triggerName('ops-nightly', 'backup', 0));
    expect(name(0)).not.toBe(name(1));
    const long = triggerName('g'.repeat(1000), 'h/'.repeat(500), 199);
    expect(long.length).toBeLessThanOrEqual(MAX_TRIGGER_NAME_LENGTH);
    expect(long).toMatch(/^[0-9a-zA-Z._-]+$/);
  });

  it('creates one rule per binding on the bus, targeting the fire function with the hook’s IDs', async () => {
    await sync.sync(definition({ bindings: [patternA, patternB] }));
    const putRules = aws.eventsMock.commandCalls(PutRuleCommand).map((c) => c.args[0].input);
    expect(putRules).toEqual([
      {
        Name: name(0),
        EventBusName: 'hookline-bus',
        EventPattern: JSON.stringify(patternA),
        State: 'ENABLED',
        Description: 'Hookline binding 0 of ops/nightly/backup',
      },
      {
        Name: name(1),
        EventBusName: 'hookline-bus',
        EventPattern: JSON.stringify(patternB),
        State: 'ENABLED',
        Description: 'Hookline binding 1 of ops/nightly/backup',
      },
    ]);
    const putTargets = aws.eventsMock.commandCalls(PutTargetsCommand).map((c) => c.args[0].input);
    expect(putTargets).toEqual(
      [0, 1].map((n) => ({
        Rule: name(n),
        EventBusName: 'hookline-bus',
        Targets: [
          {
            Id: 'fire',
            Arn: config.fireFunctionArn,
            InputTransformer: {
              InputTemplate:
                '{"hookGroupId": "ops", "hookId": "nightly/backup", "event": <aws.events.event.json>}',
            },
          },
        ],
      })),
    );
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
    await sync.sync(
      definition({
        bindings: [patternA, patternB, patternA],
        schedule: ['0 12 * * *', 'rate(1 hour)', 'rate(2 hours)'],
      }),
    );
    aws.resetHistory();
    const patternC = { source: ['shop'], 'detail-type': ['Order Cancelled'] };
    await sync.sync(definition({ bindings: [patternC], schedule: ['0 12 * * *', 'rate(3 hours)'] }));

    expect(
      aws.eventsMock
        .commandCalls(PutRuleCommand)
        .map((c) => [c.args[0].input.Name, c.args[0].input.EventPattern]),
    ).toEqual([[name(0), JSON.stringify(patternC)]]);
    expect(aws.eventsMock.commandCalls(PutTargetsCommand)).toHaveLength(0); // the target did not change
    expect(aws.eventsMock.commandCalls(RemoveTargetsCommand).map((c) => c.args[0].input)).toEqual([
      { Rule: name(2), EventBusName: 'hookline-bus', Ids: ['fire'] },
      { Rule: name(1), EventBusName: 'hookline-bus', Ids: ['fire'] },
    ]);
    expect(aws.eventsMock.commandCalls(DeleteRuleCommand).map((c) => c.args[0].input.Name)).toEqual([
      name(2),
      name(1),
    ]);

    expect(aws.schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(
      aws.schedulerMock
        .commandCalls(UpdateScheduleCommand)
        .map((c) => [c.args[0].input.Name, c.args[0].input.ScheduleExpression]),
    ).toEqual([[name(1), 'rate(3 hours)']]);
    expect(aws.schedulerMock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: name(2), GroupName: 'hookline-schedules' },
    ]);
    expect([...aws.rules.keys()]).toEqual([name(0)]);
    expect([...aws.schedules.keys()].sort()).toEqual([name(0), name(1)].sort());
  });

  it('repairs drift: a target removed or a schedule changed by hand is put back', async () => {
    const def = definition({ bindings: [patternA], schedule: ['0 12 * * *'], scheduleTimezone: 'UTC' });
    await sync.sync(def);
    aws.rules.get(name(0))?.targets.clear();
    aws.schedules.set(name(0), { ...aws.schedules.get(name(0))!, ScheduleExpression: 'cron(0 13 * * ? *)' });
    aws.resetHistory();
    await sync.sync(def);
    expect(aws.eventsMock.commandCalls(PutTargetsCommand)).toHaveLength(1);
    expect(
      aws.schedulerMock.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input.ScheduleExpression),
    ).toEqual(['cron(0 12 * * ? *)']);
  });

  it('remove deletes every rule (targets first) and every schedule', async () => {
    await sync.sync(definition({ bindings: [patternA, patternB], schedule: ['0 12 * * *', '0 0 1 * 1'] }));
    await sync.remove('ops', 'nightly/backup');
    expect(aws.rules.size).toBe(0);
    expect(aws.schedules.size).toBe(0);
    expect(aws.schedulerMock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input.Name)).toEqual([
      name(2),
      name(1),
      name(0),
    ]);
  });

  it('refuses, before changing anything, a Unix cron AWS cannot express', async () => {
    await expect(sync.sync(definition({ bindings: [patternA], schedule: ['0 0 */2 * 1'] }))).rejects.toThrow(
      /0 0 \*\/2 \* 1.*both day-of-month and day-of-week/,
    );
    expect(aws.rules.size).toBe(0);
  });
});

describe('a failure halfway is recorded on the hook and reconcile repairs it', () => {
  let stack: TestStack;
  let aws: ReturnType<typeof fakeAws>;

  beforeAll(async () => {
    stack = await startTestStack({ dataDir: null });
    aws = fakeAws();
    stack.services.triggers = new EventBridgeTriggerSync({
      ...config,
      events: aws.events,
      scheduler: aws.scheduler,
    });
  });
  afterAll(async () => {
    await stack.cleanup();
  });

  it('create with the second rule failing → outOfSync in the status → reconcile → all rules and schedules', async () => {
    aws.failWhen((command, input) => command === 'PutRule' && input.Name === triggerName('ops', 'half', 1));
    const created = await stack.api(
      'PUT',
      '/hooks/ops/half',
      hookBody(
        { task: { name: 't', command: 'true' } },
        { bindings: [patternA, patternB], schedule: ['0 12 * * *'] },
      ),
    );
    expect(created.status).toBe(200); // the hook is stored; its triggers are not all there
    expect([...aws.rules.keys()]).toEqual([triggerName('ops', 'half', 0)]);
    expect(aws.schedules.size).toBe(0);

    const status = await stack.api<{ outOfSync?: string[] }>('GET', '/hooks/ops/half/status');
    expect(status.body.outOfSync).toEqual([
      expect.stringMatching(/^rules\/schedules not updated: PutRule failed/),
    ]);

    // Still failing: reconcile says so and the mark stays.
    const stillBroken = await stack.api<{ outOfSync: string[] }>('POST', '/hooks/ops/half/reconcile');
    expect(stillBroken.status).toBe(200);
    expect(stillBroken.body.outOfSync).toHaveLength(1);

    aws.failWhen(undefined);
    const repaired = await stack.api<{ outOfSync: string[] }>('POST', '/hooks/ops/half/reconcile');
    expect(repaired.status).toBe(200);
    expect(repaired.body).toEqual({ outOfSync: [] });
    expect([...aws.rules.keys()].sort()).toEqual(
      [triggerName('ops', 'half', 0), triggerName('ops', 'half', 1)].sort(),
    );
    expect([...aws.schedules.keys()]).toEqual([triggerName('ops', 'half', 0)]);
    const after = await stack.api<{ outOfSync?: string[] }>('GET', '/hooks/ops/half/status');
    expect(after.body.outOfSync).toBeUndefined();
  });

  it('what the rule and the schedule deliver is what the fire function takes', async () => {
    const template = aws.rules.get(triggerName('ops', 'half', 0))?.targets.get('fire')
      ?.InputTransformer?.InputTemplate;
    const event = {
      version: '0',
      id: 'cloud-event-1',
      'detail-type': 'Order Placed',
      source: 'shop',
      account: '123456789012',
      time: '2030-01-01T00:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {},
    };
    const fire = createFireHandler(stack.services);
    const fromRule = await fire(
      JSON.parse(template!.replace('<aws.events.event.json>', JSON.stringify(event))),
    );
    expect(fromRule).toMatchObject({
      fired: true,
      runId: derivedRunId('ops', 'half', 'event', 'event:cloud-event-1'),
    });

    const input = aws.schedules.get(triggerName('ops', 'half', 0))?.Target?.Input;
    const fromSchedule = await fire(
      JSON.parse(input!.replace('<aws.scheduler.scheduled-time>', '2030-01-01T12:00:00Z')),
    );
    expect(fromSchedule).toMatchObject({
      fired: true,
      runId: derivedRunId('ops', 'half', 'schedule', 'schedule:2030-01-01T12:00:00.000Z'),
    });
    for (const out of [fromRule, fromSchedule])
      await stack.waitForRunFinished((out as { runId: string }).runId);
  });

  it('a removal failing halfway leaves triggers that reconcile deletes', async () => {
    aws.failWhen((command) => command === 'DeleteSchedule');
    expect((await stack.api('DELETE', '/hooks/ops/half')).status).toBe(200);
    expect(aws.rules.size).toBe(0);
    expect(aws.schedules.size).toBe(1);
    aws.failWhen(undefined);
    const repaired = await stack.api<{ outOfSync: string[] }>('POST', '/hooks/ops/half/reconcile');
    expect(repaired.body).toEqual({ outOfSync: [] });
    expect(aws.schedules.size).toBe(0);
  });
});
