import { createHash } from 'node:crypto';
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
import type { HookDefinition } from '../../core/hookDefinition.ts';
import type { TriggerSync } from '../../ports/triggerSync.ts';
import { requireCloudSetting } from './environment.ts';

/**
 * The TriggerSync port in the cloud: a hook's schedules are EventBridge Scheduler schedules that follow
 * its definition. Its bindings need no AWS resource: the stack's one rule on Hookline's bus sends every
 * event to the fire function, which routes it over the stored bindings (handlers/fire.ts), so the number
 * of bindings is not bounded by EventBridge's rules quota (300 per bus by default).
 *
 * - Each schedule expression is a schedule in the stack's schedule group, named
 *   `hookline-<hash of g/h>-<n>`, in the hook's time zone, with FlexibleTimeWindow OFF and the fire
 *   function as target (input `{"hookGroupId", "hookId", "scheduledTime": "<aws.scheduler.scheduled-time>"}`,
 *   the scheduler role). A Unix cron is converted to AWS form (core/awsCron.ts) and may become two.
 * - `sync` diffs: it reads each schedule the definition wants by name (GetSchedule — no List* calls),
 *   leaves what matches alone, creates or updates what differs, and deletes
 *   the ones beyond the definition. Reads and writes go `SYNC_CONCURRENCY` at a time, so a hook with 100
 *   schedules is in line in a few round trips (well inside API Gateway's 29 s); deletions go a batch at a
 *   time from the highest index down, so what a failure leaves is never a whole batch of missing names
 *   below a remaining one, and the next sync's probing finds it.
 * - Any failure throws: the caller (app/syncTriggers.ts) leaves the hook marked out of sync, and running
 *   sync again (reconcile, or the periodic repair) repairs whatever was left half done.
 */

export interface EventBridgeTriggerSyncConfig {
  scheduleGroupName: string;
  fireFunctionArn: string;
  schedulerRoleArn: string;
  scheduler?: SchedulerClient;
}

/** The longest name EventBridge Scheduler allows for a schedule. */
export const MAX_TRIGGER_NAME_LENGTH = 64;
export const TRIGGER_NAME_PREFIX = 'hookline-';
/** Probing stops here even if names keep existing (a hook has at most 100 schedules). */
const MAX_PROBE = 200;
/** Scheduler requests in flight at once for one hook. */
export const SYNC_CONCURRENCY = 10;
const MAX_DESCRIPTION = 512;

/** `hookline-<32 hex chars of sha256(g/h)>-<n>`: at most 9 + 32 + 1 + 3 = 45 characters. */
export function triggerName(hookGroupId: string, hookId: string, index: number): string {
  const hash = createHash('sha256').update(`${hookGroupId}/${hookId}`).digest('hex').slice(0, 32);
  return `${TRIGGER_NAME_PREFIX}${hash}-${index}`;
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
  private readonly scheduler: SchedulerClient;

  constructor(private readonly config: EventBridgeTriggerSyncConfig) {
    this.scheduler = config.scheduler ?? new SchedulerClient({});
  }

  /** From the environment the CDK stack gives the api function. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): EventBridgeTriggerSync {
    return new EventBridgeTriggerSync({
      scheduleGroupName: requireCloudSetting('scheduleGroupName', env),
      fireFunctionArn: requireCloudSetting('fireFunctionArn', env),
      schedulerRoleArn: requireCloudSetting('schedulerRoleArn', env),
    });
  }

  async sync(definition: HookDefinition): Promise<void> {
    const schedules = desiredSchedules(definition);
    await this.syncSchedules(
      definition.hookGroupId,
      definition.hookId,
      schedules,
      definition.scheduleTimezone,
    );
  }

  async remove(hookGroupId: string, hookId: string): Promise<void> {
    await this.deleteSchedulesFrom(hookGroupId, hookId, 0);
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
    await inBatches(expressions, async (expression, index) => {
      const desired = this.scheduleRequest(hookGroupId, hookId, index, expression, timezone);
      const existing = await this.getSchedule(desired.Name!);
      if (!existing) {
        try {
          await this.scheduler.send(new CreateScheduleCommand(desired));
        } catch (error) {
          // Created meanwhile by a concurrent sync of the same hook (reconcile, the repair pass): update it.
          if ((error as { name?: string })?.name !== 'ConflictException') throw error;
          await this.scheduler.send(new UpdateScheduleCommand(desired));
        }
      } else if (!sameSchedule(existing, desired)) {
        await this.scheduler.send(new UpdateScheduleCommand(desired));
      }
    });
    await this.deleteSchedulesFrom(hookGroupId, hookId, expressions.length);
  }

  /**
   * Deletes the hook's schedules with index >= from. They are found by probing names a batch at a time,
   * up to the first batch of which none exists: writes go a batch at a time too, so a failure can leave
   * gaps inside one batch, never a whole batch missing below a schedule that is left.
   */
  private async deleteSchedulesFrom(hookGroupId: string, hookId: string, from: number): Promise<void> {
    const names: string[] = [];
    for (let start = from; start < MAX_PROBE; start += SYNC_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(SYNC_CONCURRENCY, MAX_PROBE - start) }, (_, i) =>
        triggerName(hookGroupId, hookId, start + i),
      );
      const found = await Promise.all(batch.map((name) => this.getSchedule(name)));
      if (found.every((schedule) => !schedule)) break;
      names.push(...batch.filter((_, i) => found[i]));
    }
    names.reverse();
    for (let i = 0; i < names.length; i += SYNC_CONCURRENCY) {
      await Promise.all(
        names.slice(i, i + SYNC_CONCURRENCY).map(async (name) => {
          try {
            await this.scheduler.send(
              new DeleteScheduleCommand({ Name: name, GroupName: this.config.scheduleGroupName }),
            );
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        }),
      );
    }
  }
}

/** Runs `work` over the items, SYNC_CONCURRENCY at a time; the first failure throws once its batch settles. */
async function inBatches<T>(items: T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += SYNC_CONCURRENCY) {
    const settled = await Promise.allSettled(
      items.slice(start, start + SYNC_CONCURRENCY).map((item, i) => work(item, start + i)),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
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
