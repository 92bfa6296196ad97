import {
  RemovalPolicy,
  Stack,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_scheduler as scheduler,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * EventBridge Scheduler for Hookline: the schedule group every schedule lives in (the hooks' own schedules,
 * which the api function creates at run time, and the engine's, infra/hookline/triggers.ts), the role the
 * scheduler invokes functions with, and the right to manage those schedules. Created in the Hookline
 * construct's own scope (see the top of infra/hooklineConstruct.ts).
 */
export class HooklineScheduler {
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Assumed by EventBridge Scheduler, only for schedules of this group, in this account. */
  readonly role: iam.Role;
  /** Every schedule in the group (named at run time, one per hook schedule). */
  readonly schedulesArn: string;

  constructor(private readonly scope: Construct) {
    const stack = Stack.of(scope);
    this.scheduleGroup = new scheduler.ScheduleGroup(scope, 'ScheduleGroup', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(scope, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the Hookline fire function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    this.schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });
  }

  /** Lets schedules of the group invoke these functions (one policy statement). */
  allowInvoke(functions: readonly lambda.IFunction[]): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: functions.map((fn) => fn.functionArn),
      }),
    );
  }

  /**
   * A schedule of the engine's own, in the group: it invokes `target` with `input` on time (no flexible
   * window) and is not retried (the next occurrence does the work). The target must be allowed (allowInvoke).
   */
  addSchedule(
    id: string,
    schedule: { description: string; expression: string; target: lambda.IFunction; input: object },
  ): scheduler.CfnSchedule {
    return new scheduler.CfnSchedule(this.scope, id, {
      groupName: this.scheduleGroup.scheduleGroupName,
      description: schedule.description,
      scheduleExpression: schedule.expression,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: schedule.target.functionArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(schedule.input),
        retryPolicy: { maximumRetryAttempts: 0 },
      },
    });
  }

  /** Creating, changing and deleting the group's schedules, which run as the scheduler role. */
  grantManageSchedules(fn: lambda.IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        // hook schedules: one schedule per hook cron, in the Hookline group.
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
        ],
        resources: [this.schedulesArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        // CreateSchedule/UpdateSchedule pass the scheduler role to EventBridge Scheduler.
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
