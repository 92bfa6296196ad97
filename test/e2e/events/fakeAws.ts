import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException as RuleNotFound,
  type Target,
} from '@aws-sdk/client-eventbridge';
import {
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException as ScheduleNotFound,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * EventBridge rules and EventBridge Scheduler schedules in memory, behind aws-sdk-client-mock: enough of
 * both services for the TriggerSync (create, read, update, delete; not-found errors as the SDK throws
 * them) to be tested for the requests it sends and the state it leaves.
 */
export interface FakeRule {
  EventPattern?: string;
  State?: string;
  Description?: string;
  EventBusName?: string;
  targets: Map<string, Target>;
}

export function fakeAws() {
  const events = new EventBridgeClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const scheduler = new SchedulerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const eventsMock = mockClient(events);
  const schedulerMock = mockClient(scheduler);
  const rules = new Map<string, FakeRule>();
  const schedules = new Map<string, CreateScheduleInput>();
  /** Throws an error for the call when it answers true (a failure halfway). */
  let failWhen: ((command: string, input: Record<string, unknown>) => boolean) | undefined;

  const guard = (command: string, input: Record<string, unknown>) => {
    if (failWhen?.(command, input)) {
      throw Object.assign(new Error(`${command} failed: service unavailable`), {
        name: 'ServiceUnavailable',
      });
    }
  };
  const rule = (name: string) => {
    const found = rules.get(name);
    if (!found) throw new RuleNotFound({ message: `Rule ${name} does not exist.`, $metadata: {} });
    return found;
  };

  eventsMock.on(DescribeRuleCommand).callsFake((input) => {
    guard('DescribeRule', input);
    const { targets: _t, ...rest } = rule(input.Name);
    return { Name: input.Name, Arn: `arn:aws:events:eu-west-1:1:rule/${input.Name}`, ...rest };
  });
  eventsMock.on(PutRuleCommand).callsFake((input) => {
    guard('PutRule', input);
    const existing = rules.get(input.Name);
    rules.set(input.Name, {
      EventPattern: input.EventPattern,
      State: input.State,
      Description: input.Description,
      EventBusName: input.EventBusName,
      targets: existing?.targets ?? new Map(),
    });
    return { RuleArn: `arn:aws:events:eu-west-1:1:rule/${input.Name}` };
  });
  eventsMock.on(PutTargetsCommand).callsFake((input) => {
    guard('PutTargets', input);
    const found = rule(input.Rule);
    for (const target of input.Targets as Target[]) found.targets.set(target.Id!, structuredClone(target));
    return { FailedEntryCount: 0, FailedEntries: [] };
  });
  eventsMock.on(ListTargetsByRuleCommand).callsFake((input) => {
    guard('ListTargetsByRule', input);
    return { Targets: [...rule(input.Rule).targets.values()].map((t) => structuredClone(t)) };
  });
  eventsMock.on(RemoveTargetsCommand).callsFake((input) => {
    guard('RemoveTargets', input);
    const found = rule(input.Rule);
    for (const id of input.Ids as string[]) found.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  });
  eventsMock.on(DeleteRuleCommand).callsFake((input) => {
    guard('DeleteRule', input);
    if (rule(input.Name).targets.size > 0) {
      throw Object.assign(new Error('Rule can not be deleted since it has targets.'), {
        name: 'ValidationException',
      });
    }
    rules.delete(input.Name);
    return {};
  });

  const schedule = (name: string) => {
    const found = schedules.get(name);
    if (!found)
      throw new ScheduleNotFound({
        Message: `Schedule ${name} does not exist.`,
        message: `Schedule ${name} does not exist.`,
        $metadata: {},
      });
    return found;
  };
  schedulerMock.on(GetScheduleCommand).callsFake((input) => {
    guard('GetSchedule', input);
    return {
      ...structuredClone(schedule(input.Name)),
      Arn: `arn:aws:scheduler:eu-west-1:1:schedule/${input.GroupName}/${input.Name}`,
    };
  });
  schedulerMock.on(CreateScheduleCommand).callsFake((input) => {
    guard('CreateSchedule', input);
    if (schedules.has(input.Name)) {
      throw Object.assign(new Error('Schedule already exists.'), { name: 'ConflictException' });
    }
    schedules.set(input.Name, structuredClone(input));
    return { ScheduleArn: 'arn' };
  });
  schedulerMock.on(UpdateScheduleCommand).callsFake((input) => {
    guard('UpdateSchedule', input);
    schedule(input.Name);
    schedules.set(input.Name, structuredClone(input));
    return { ScheduleArn: 'arn' };
  });
  schedulerMock.on(DeleteScheduleCommand).callsFake((input) => {
    guard('DeleteSchedule', input);
    schedule(input.Name);
    schedules.delete(input.Name);
    return {};
  });

  return {
    events,
    scheduler,
    eventsMock,
    schedulerMock,
    rules,
    schedules,
    failWhen(predicate: ((command: string, input: Record<string, unknown>) => boolean) | undefined) {
      failWhen = predicate;
    },
    /** The names of the commands sent so far, in order (both clients). */
    resetHistory() {
      eventsMock.resetHistory();
      schedulerMock.resetHistory();
    },
    sent(): string[] {
      const names = (calls: Array<{ args: unknown[] }>) =>
        calls.map((c) =>
          (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''),
        );
      return [...names(eventsMock.calls()), ...names(schedulerMock.calls())];
    },
  };
}
