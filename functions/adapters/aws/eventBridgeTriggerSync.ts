import { createHash } from 'node:crypto';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  type DescribeRuleCommandOutput,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target as RuleTarget,
} from '@aws-sdk/client-eventbridge';
import {
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { toAwsScheduleExpressions } from '../../core/awsCron.ts';
import { canonicalJson, type HookDefinition } from '../../core/hookDefinition.ts';
import type { TriggerSync } from '../../ports/triggerSync.ts';
import { requireCloudSetting } from './environment.ts';

/**
 * The TriggerSync port in the cloud: what fires a hook is AWS resources that follow its definition.
 *
 * - Each binding is an EventBridge rule on Hookline's bus, named `hookline-<hash of g/h>-<n>` (n = the
 *   binding's index), with one target `fire`: the fire function, whose input an InputTransformer shapes
 *   as `{"hookGroupId": …, "hookId": …, "event": <aws.events.event.json>}` (the whole event, detail
 *   included).
 * - Each schedule expression is an EventBridge Scheduler schedule in the stack's schedule group, named
 *   the same way, in the hook's time zone, with FlexibleTimeWindow OFF and the fire function as target
 *   (input `{"hookGroupId", "hookId", "scheduledTime": "<aws.scheduler.scheduled-time>"}`, the scheduler
 *   role). A Unix cron is converted to AWS form (core/awsCron.ts) and may become two schedules.
 * - `sync` diffs: it reads each resource by name (DescribeRule/GetSchedule, from index 0 up to the first
 *   name that does not exist — the permissions the stack grants, no List* calls), leaves what matches
 *   alone, creates or updates what differs, and deletes the ones beyond the definition, highest index
 *   first, so what is left after a failure is always a contiguous run of names and the next sync finds it.
 * - `remove` deletes every rule and schedule of the hook.
 * - Any failure throws: the caller (app/syncTriggers.ts) records the hook as out of sync, and running
 *   sync again (reconcile) repairs whatever was left half done.
 */

export interface EventBridgeTriggerSyncConfig {
  eventBusName: string;
  scheduleGroupName: string;
  fireFunctionArn: string;
  schedulerRoleArn: string;
  events?: EventBridgeClient;
  scheduler?: SchedulerClient;
}

/** The longest name EventBridge allows for a rule and Scheduler for a schedule. */
export const MAX_TRIGGER_NAME_LENGTH = 64;
export const TRIGGER_NAME_PREFIX = 'hookline-';
export const FIRE_TARGET_ID = 'fire';
/** Probing stops here even if names keep existing (a hook has at most 50 bindings and 100 schedules). */
const MAX_PROBE = 200;
const MAX_DESCRIPTION = 512;

/** `hookline-<32 hex chars of sha256(g/h)>-<n>`: at most 9 + 32 + 1 + 3 = 45 characters. */
export function triggerName(hookGroupId: string, hookId: string, index: number): string {
  const hash = createHash('sha256').update(`${hookGroupId}/${hookId}`).digest('hex').slice(0, 32);
  return `${TRIGGER_NAME_PREFIX}${hash}-${index}`;
}

/** The input template of a binding rule's target: the fire function's `{hookGroupId, hookId, event}`. */
export function ruleInputTemplate(hookGroupId: string, hookId: string): string {
  return `{"hookGroupId": ${JSON.stringify(hookGroupId)}, "hookId": ${JSON.stringify(hookId)}, "event": <aws.events.event.json>}`;
}

/** The input of a schedule's target: the fire function's `{hookGroupId, hookId, scheduledTime}`. */
export function scheduleInput(hookGroupId: string, hookId: string): string {
  return JSON.stringify({ hookGroupId, hookId, scheduledTime: '<aws.scheduler.scheduled-time>' });
}

const describe = (what: string, hookGroupId: string, hookId: string) =>
  `Hookline ${what} of ${hookGroupId}/${hookId}`.slice(0, MAX_DESCRIPTION);

function isNotFound(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ResourceNotFoundException';
}

export class EventBridgeTriggerSync implements TriggerSync {
  private readonly events: EventBridgeClient;
  private readonly scheduler: SchedulerClient;

  constructor(private readonly config: EventBridgeTriggerSyncConfig) {
    this.events = config.events ?? new EventBridgeClient({});
    this.scheduler = config.scheduler ?? new SchedulerClient({});
  }

  /** From the environment the CDK stack gives the api function. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): EventBridgeTriggerSync {
    return new EventBridgeTriggerSync({
      eventBusName: requireCloudSetting('eventBusName', env),
      scheduleGroupName: requireCloudSetting('scheduleGroupName', env),
      fireFunctionArn: requireCloudSetting('fireFunctionArn', env),
      schedulerRoleArn: requireCloudSetting('schedulerRoleArn', env),
    });
  }

  async sync(definition: HookDefinition): Promise<void> {
    const schedules = desiredSchedules(definition);
    await this.syncRules(definition);
    await this.syncSchedules(
      definition.hookGroupId,
      definition.hookId,
      schedules,
      definition.scheduleTimezone,
    );
  }

  async remove(hookGroupId: string, hookId: string): Promise<void> {
    await this.deleteRulesFrom(hookGroupId, hookId, 0);
    await this.deleteSchedulesFrom(hookGroupId, hookId, 0);
  }

  // ----- rules ---------------------------------------------------------------------------------

  private async describeRule(name: string): Promise<DescribeRuleCommandOutput | undefined> {
    try {
      return await this.events.send(
        new DescribeRuleCommand({ Name: name, EventBusName: this.config.eventBusName }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private desiredTarget(hookGroupId: string, hookId: string): RuleTarget {
    return {
      Id: FIRE_TARGET_ID,
      Arn: this.config.fireFunctionArn,
      InputTransformer: { InputTemplate: ruleInputTemplate(hookGroupId, hookId) },
    };
  }

  private async syncRules(definition: HookDefinition): Promise<void> {
    const { hookGroupId, hookId, bindings } = definition;
    for (const [index, pattern] of bindings.entries()) {
      const name = triggerName(hookGroupId, hookId, index);
      const description = describe(`binding ${index}`, hookGroupId, hookId);
      const existing = await this.describeRule(name);
      const patternText = JSON.stringify(pattern);
      const ruleMatches =
        existing !== undefined &&
        existing.State === 'ENABLED' &&
        existing.Description === description &&
        sameJson(existing.EventPattern, patternText);
      if (!ruleMatches) {
        await this.events.send(
          new PutRuleCommand({
            Name: name,
            EventBusName: this.config.eventBusName,
            EventPattern: patternText,
            State: 'ENABLED',
            Description: description,
          }),
        );
      }
      await this.syncTargets(name, this.desiredTarget(hookGroupId, hookId), existing !== undefined);
    }
    await this.deleteRulesFrom(hookGroupId, hookId, bindings.length);
  }

  private async listTargets(rule: string): Promise<RuleTarget[]> {
    const targets: RuleTarget[] = [];
    let token: string | undefined;
    do {
      const page = await this.events.send(
        new ListTargetsByRuleCommand({
          Rule: rule,
          EventBusName: this.config.eventBusName,
          NextToken: token,
        }),
      );
      targets.push(...(page.Targets ?? []));
      token = page.NextToken;
    } while (token);
    return targets;
  }

  /** The rule's targets become exactly the fire target. */
  private async syncTargets(rule: string, desired: RuleTarget, ruleExisted: boolean): Promise<void> {
    const current = ruleExisted ? await this.listTargets(rule) : [];
    const stray = current.filter((t) => t.Id !== desired.Id).map((t) => t.Id!);
    if (stray.length > 0) await this.removeTargets(rule, stray);
    const mine = current.find((t) => t.Id === desired.Id);
    const same =
      mine !== undefined &&
      mine.Arn === desired.Arn &&
      mine.Input === undefined &&
      mine.InputPath === undefined &&
      mine.InputTransformer?.InputTemplate === desired.InputTransformer?.InputTemplate &&
      Object.keys(mine.InputTransformer?.InputPathsMap ?? {}).length === 0;
    if (same) return;
    const out = await this.events.send(
      new PutTargetsCommand({ Rule: rule, EventBusName: this.config.eventBusName, Targets: [desired] }),
    );
    if (out.FailedEntryCount) {
      const failure = out.FailedEntries?.[0];
      throw new Error(`PutTargets failed for rule ${rule}: ${failure?.ErrorCode}: ${failure?.ErrorMessage}`);
    }
  }

  private async removeTargets(rule: string, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 10) {
      const out = await this.events.send(
        new RemoveTargetsCommand({
          Rule: rule,
          EventBusName: this.config.eventBusName,
          Ids: ids.slice(i, i + 10),
        }),
      );
      if (out.FailedEntryCount) {
        const failure = out.FailedEntries?.[0];
        throw new Error(
          `RemoveTargets failed for rule ${rule}: ${failure?.ErrorCode}: ${failure?.ErrorMessage}`,
        );
      }
    }
  }

  /** Deletes the hook's rules with index >= from, highest first. */
  private async deleteRulesFrom(hookGroupId: string, hookId: string, from: number): Promise<void> {
    const names: string[] = [];
    for (let index = from; index < MAX_PROBE; index++) {
      const name = triggerName(hookGroupId, hookId, index);
      if (!(await this.describeRule(name))) break;
      names.push(name);
    }
    for (const name of names.reverse()) {
      const targets = await this.listTargets(name);
      if (targets.length > 0)
        await this.removeTargets(
          name,
          targets.map((t) => t.Id!),
        );
      try {
        await this.events.send(new DeleteRuleCommand({ Name: name, EventBusName: this.config.eventBusName }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  // ----- schedules -----------------------------------------------------------------------------

  private async getSchedule(name: string): Promise<GetScheduleCommandOutput | undefined> {
    try {
      return await this.scheduler.send(
        new GetScheduleCommand({ Name: name, GroupName: this.config.scheduleGroupName }),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private scheduleRequest(
    hookGroupId: string,
    hookId: string,
    index: number,
    expression: string,
    timezone: string,
  ): CreateScheduleInput {
    return {
      Name: triggerName(hookGroupId, hookId, index),
      GroupName: this.config.scheduleGroupName,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timezone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Description: describe(`schedule ${index}`, hookGroupId, hookId),
      Target: {
        Arn: this.config.fireFunctionArn,
        RoleArn: this.config.schedulerRoleArn,
        Input: scheduleInput(hookGroupId, hookId),
      },
    };
  }

  private async syncSchedules(
    hookGroupId: string,
    hookId: string,
    expressions: string[],
    timezone: string,
  ): Promise<void> {
    for (const [index, expression] of expressions.entries()) {
      const desired = this.scheduleRequest(hookGroupId, hookId, index, expression, timezone);
      const existing = await this.getSchedule(desired.Name!);
      if (!existing) {
        await this.scheduler.send(new CreateScheduleCommand(desired));
      } else if (!sameSchedule(existing, desired)) {
        await this.scheduler.send(new UpdateScheduleCommand(desired));
      }
    }
    await this.deleteSchedulesFrom(hookGroupId, hookId, expressions.length);
  }

  /** Deletes the hook's schedules with index >= from, highest first. */
  private async deleteSchedulesFrom(hookGroupId: string, hookId: string, from: number): Promise<void> {
    const names: string[] = [];
    for (let index = from; index < MAX_PROBE; index++) {
      const name = triggerName(hookGroupId, hookId, index);
      if (!(await this.getSchedule(name))) break;
      names.push(name);
    }
    for (const name of names.reverse()) {
      try {
        await this.scheduler.send(
          new DeleteScheduleCommand({ Name: name, GroupName: this.config.scheduleGroupName }),
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}

/** The AWS ScheduleExpressions of a definition, in order; throws when one cannot be expressed. */
export function desiredSchedules(definition: HookDefinition): string[] {
  const expressions: string[] = [];
  for (const expression of definition.schedule) {
    const converted = toAwsScheduleExpressions(expression);
    if (!converted.ok) throw new Error(`schedule "${expression}": ${converted.message}`);
    expressions.push(...converted.expressions);
  }
  return expressions;
}

function sameJson(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
}

function sameSchedule(existing: GetScheduleCommandOutput, desired: CreateScheduleInput): boolean {
  return (
    existing.ScheduleExpression === desired.ScheduleExpression &&
    (existing.ScheduleExpressionTimezone ?? 'UTC') === desired.ScheduleExpressionTimezone &&
    existing.State === desired.State &&
    existing.Description === desired.Description &&
    existing.FlexibleTimeWindow?.Mode === 'OFF' &&
    existing.Target?.Arn === desired.Target?.Arn &&
    existing.Target?.RoleArn === desired.Target?.RoleArn &&
    existing.Target?.Input === desired.Target?.Input
  );
}
