import { aws_events as events, aws_iam as iam, type aws_lambda as lambda } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LIFECYCLE_SOURCE } from '../../functions/app/lifecycleEvents.ts';

/**
 * Hookline's event bus: the lifecycle events Hookline emits and the events hook bindings match (the rules
 * on it are in infra/hookline/triggers.ts). Who may put events on it is decided here. Created in the
 * Hookline construct's own scope (see the top of infra/hooklineConstruct.ts).
 */
export class HooklineEventBus {
  readonly bus: events.EventBus;

  constructor(scope: Construct) {
    this.bus = new events.EventBus(scope, 'Bus', {
      description: 'Hookline: lifecycle events and the events hook bindings match',
    });
  }

  /** Hookline's own functions, which emit the lifecycle events: any source. */
  grantPutEvents(fn: lambda.IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
  }

  /**
   * A producer (your service's role, a rule forwarding events from another bus): any source but
   * `hookline`. The IAM condition on `events:source` keeps lifecycle events Hookline's own
   * (`isReservedSource` in functions/app/lifecycleEvents.ts). Every grant to a producer goes through here.
   */
  grantPutEventsToProducer(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.bus.eventBusArn],
      conditions: { StringNotEquals: { 'events:source': LIFECYCLE_SOURCE } },
    });
  }
}
