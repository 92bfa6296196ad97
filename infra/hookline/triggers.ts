import {
  Duration,
  aws_events as events,
  aws_events_targets as eventTargets,
  type aws_lambda as lambda,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { REPAIR_TRIGGERS_ACTION } from '../../functions/adapters/aws/environment.ts';
import type { HooklineEventBus } from './eventBus.ts';
import type { HooklineScheduler } from './scheduler.ts';

export interface HooklineTriggersProps {
  readonly eventBus: HooklineEventBus;
  readonly scheduler: HooklineScheduler;
  readonly api: lambda.IFunction;
  readonly fire: lambda.IFunction;
  readonly finish: lambda.IFunction;
  /** The construct's `forwardAwsServiceEvents` (infra/hooklineConstruct.ts HooklineProps). */
  readonly forwardAwsServiceEvents?: boolean | readonly string[];
}

/**
 * What invokes Hookline's functions on its own (callers use the HTTP API, infra/hookline/httpApi.ts):
 * the one rule routing every event on the bus to the fire function (the binding router), the optional
 * rule forwarding AWS service events from the default bus, and the engine's schedules (run sweep, queue
 * sweep, trigger repair). Hooks' own schedules are created at run time by the api function in the
 * scheduler's group (functions/adapters/aws/eventBridgeTriggerSync.ts). Created in the Hookline
 * construct's own scope (see the top of infra/hooklineConstruct.ts).
 */
export class HooklineTriggers {
  /** The one rule that sends every event on Hookline's bus to the fire function (the binding router). */
  readonly bindingsRule: events.Rule;
  /** The rule on the default bus forwarding AWS service events, with `forwardAwsServiceEvents`. */
  readonly awsServiceEventsRule?: events.Rule;

  constructor(scope: Construct, props: HooklineTriggersProps) {
    const { scheduler, api, fire, finish } = props;
    scheduler.allowInvoke([fire, finish]);
    // The run sweeper (functions/app/sweepRuns.ts): every five minutes the finish function finishes
    // runs whose execution ended without finishing them (Finish failed past its retries, timed out,
    // aborted), so no run stays `running` with no execution behind it.
    scheduler.addSchedule('RunSweepSchedule', {
      description: 'Hookline: finish runs whose execution ended without finishing them',
      expression: 'rate(5 minutes)',
      target: finish,
      input: { action: 'sweep-runs' },
    });
    // Concurrency leases of lost runs expire; once a minute the fire function frees their slots and
    // starts queued runs (functions/app/concurrency.ts sweepQueues). Normally the finish path does it.
    scheduler.addSchedule('QueueSweepSchedule', {
      description: 'Hookline: expire lost concurrency leases and start queued runs',
      expression: 'rate(1 minute)',
      target: fire,
      input: { action: 'sweep-queues' },
    });
    // Hooks whose schedules a failure (or a killed request) left out of line are reconciled every five
    // minutes (functions/app/syncTriggers.ts repairOutOfSyncHooks); only the api function may change schedules.
    scheduler.allowInvoke([api]);
    scheduler.addSchedule('TriggerRepairSchedule', {
      description: 'Hookline: reconcile hooks whose schedules are out of sync',
      expression: 'rate(5 minutes)',
      target: api,
      input: { action: REPAIR_TRIGGERS_ACTION },
    });

    // One rule, whatever the number of bindings (EventBridge allows 300 rules per bus by default): every
    // event on the bus goes to the fire function, which matches it against the stored bindings
    // (functions/handlers/fire.ts). The whole event is the function's input.
    this.bindingsRule = new events.Rule(scope, 'BindingsRule', {
      eventBus: props.eventBus.bus,
      description: 'Hookline: every event on the bus, to the fire function, which routes it to bound hooks',
      eventPattern: { source: events.Match.prefix('') },
      targets: [new eventTargets.LambdaFunction(fire, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    if (props.forwardAwsServiceEvents) {
      const listed = Array.isArray(props.forwardAwsServiceEvents)
        ? [...props.forwardAwsServiceEvents]
        : undefined;
      if (listed && (listed.length === 0 || listed.some((s) => !/^aws\.[a-z0-9.-]+$/.test(s))))
        throw new Error('forwardAwsServiceEvents lists AWS event sources, each beginning "aws."');
      const sources = listed ?? events.Match.prefix('aws.');
      this.awsServiceEventsRule = new events.Rule(scope, 'AwsServiceEventsRule', {
        description: "Hookline: AWS service events, from the default bus to Hookline's bus",
        eventPattern: { source: sources },
        targets: [new eventTargets.EventBus(props.eventBus.bus)],
      });
    }
  }
}
