/**
 * `Hookline`: the whole cloud deployment as one construct, so it can be put into any CDK app.
 *
 *   callers ─HTTPS─▶ HTTP API ($default route, throttled) ─▶ api λ
 *   every event on the Hookline bus (one rule) ─┐  (optional: AWS service events forwarded from the default bus)
 *   schedules in the Hookline schedule group ──┴─▶ fire λ (async; failures → SQS DLQ) ─▶ binding router
 *   trigger-repair schedule ─▶ api λ (reconciles hooks left out of sync)
 *   api/fire/finish λ ─StartExecution─▶ `job` state machine (statemachines/job.asl.json)
 *                                         ├─▶ step λ (Begin, RunPreHook, RunTask, RunPostHook, RunNotify)
 *                                         └─▶ finish λ (Finish)
 *   every λ ─▶ one DynamoDB table; lifecycle events ─PutEvents─▶ the Hookline bus
 *
 * This file only wires the parts together: each idea is one part under infra/hookline/ (the map is in
 * ARCHITECTURE.md, "The cloud construct"). IAM is per function and per action (infra/hookline/functions.ts);
 * every cdk-nag AwsSolutions finding that remains is acknowledged on the construct it concerns, with its
 * reason (infra/nagAcknowledgements.ts).
 *
 * Why the parts are classes that create their resources in THIS construct's scope, not child constructs:
 * CloudFormation logical ids derive from construct paths, and a changed logical id makes CloudFormation
 * replace the resource on the next deploy (a replaced table or bucket loses its data). So every part
 * creates its resources directly in `this`, under the construct ids they have always had: the synthesized
 * templates (logical ids, `aws:cdk:path` metadata, the paths nag acknowledgements sit on) stay those of
 * the stacks already deployed. test/infra/logicalIds.test.ts pins the stateful resources' logical ids.
 * A new part follows the same rule, with construct ids not yet taken in this scope.
 */
import {
  CfnOutput,
  type RemovalPolicy,
  Stack,
  type aws_iam as iam,
  type aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import type {
  aws_apigatewayv2 as apigwv2,
  aws_cloudwatch as cloudwatch,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_s3 as s3,
  aws_scheduler as scheduler,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_sqs as sqs,
  aws_stepfunctions as sfn,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HANDLER_ENTRIES, type HandlerName } from './bundlingOptions.ts';
import { HooklineAlarms } from './hookline/alarms.ts';
import { ArtifactBucket } from './hookline/artifactBucket.ts';
import { HooklineEventBus } from './hookline/eventBus.ts';
import { defaultInvokableFunctionArns, HooklineFunctions } from './hookline/functions.ts';
import { HooklineHttpApi } from './hookline/httpApi.ts';
import { JobStateMachine, JobStateMachineAddress, type WorkflowType } from './hookline/jobStateMachine.ts';
import { RootCredentials } from './hookline/rootCredentials.ts';
import { HooklineScheduler } from './hookline/scheduler.ts';
import { HooklineTable } from './hookline/table.ts';
import { HooklineTriggers } from './hookline/triggers.ts';
import { acknowledgeNagFindings } from './nagAcknowledgements.ts';

export { DEFAULT_THROTTLING } from './hookline/httpApi.ts';
export type { WorkflowType } from './hookline/jobStateMachine.ts';

export interface HooklineProps {
  /**
   * The `job` state machine type. EXPRESS is cheaper for short, frequent jobs but keeps no
   * execution history (only the logs) and does not dedupe StartExecution names.
   * Changing it on a deployed stack replaces the state machine (its name carries the type).
   * @default 'STANDARD'
   */
  readonly workflowType?: WorkflowType;
  /**
   * The functions that `lambda` steps may invoke (lambda:InvokeFunction, granted to the step
   * function only). The list replaces the default; an empty list grants nothing.
   * @default [`arn:aws:lambda:<region>:<account>:function:hookline-*`]
   */
  readonly invokableFunctionArns?: readonly string[];
  /**
   * Steady-state request rate limit of the HTTP API's default route (requests per second).
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst limit of the HTTP API's default route (concurrent requests).
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Retention of every log group (functions, state machine, API access logs).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether state machine logs include execution input/output. Off by default: payloads
   * can carry hook secrets, and every run and step is recorded in the table anyway.
   * @default false
   */
  readonly logExecutionData?: boolean;
  /**
   * AWS X-Ray active tracing for the functions and the state machine (billed per trace).
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Where the alarms notify (an SNS topic). Without it the alarms only change state.
   * @default - no alarm actions
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The name of the `job` state machine. It is fixed at synth time (not generated by
   * CloudFormation) so the functions can be given its ARN without a dependency cycle.
   * @default - unique per stack and construct path, e.g. `Hookline-Hookline-1A2B3C4D-job`
   */
  readonly stateMachineName?: string;
  /**
   * What happens to the table when it leaves the stack. Deletion protection is on either way:
   * with DESTROY, turn it off before `cdk destroy` (see infra/DEPLOY.md).
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /**
   * Use the AWS SDK the Node.js 22 runtime provides instead of bundling it (smaller bundles,
   * slower cold starts; the SDK version is then the runtime's). See infra/bundlingOptions.ts.
   * @default false
   */
  readonly useRuntimeAwsSdk?: boolean;
  /**
   * Override handler entry modules (e.g. a wrapper that adds middleware). Each must export
   * `handler`.
   * @default - functions/handlers/{api,fire,step,finish}.ts
   */
  readonly handlerEntries?: Partial<Record<HandlerName, string>>;
  /**
   * Forward AWS service events (`source` beginning `aws.`), which AWS puts only on the account's default
   * bus, to Hookline's bus, so hooks can be bound to them. A list narrows it to those sources
   * (e.g. `['aws.s3', 'aws.ecs']`); every forwarded event invokes the fire function once (README,
   * "Bindings in the cloud").
   * @default - nothing is forwarded
   */
  readonly forwardAwsServiceEvents?: boolean | readonly string[];
  /**
   * A `--hook-types` directory of `<name>.hook/` folders whose scripts commands run (README, "Hook
   * type scripts"): copied into the command-runner function's code at `hook-types/`, where types
   * read with `scriptRoot: COMMAND_RUNNER_HOOK_TYPES_ROOT` (functions/adapters/local/hookTypeDirectory.ts)
   * name their scripts.
   * @default - no hook type scripts in the command runner
   */
  readonly hookTypesDir?: string;
}

export class Hookline extends Construct {
  readonly table: dynamodb.Table;
  /** The artifacts of runs (README "Artifacts"): encrypted, never public, expiring with the runs' records. */
  readonly artifactBucket: s3.Bucket;
  readonly eventBus: events.EventBus;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly schedulerRole: iam.Role;
  readonly stateMachine: sfn.StateMachine;
  readonly stateMachineName: string;
  readonly workflowType: WorkflowType;
  readonly httpApi: apigwv2.HttpApi;
  readonly apiStage: apigwv2.HttpStage;
  readonly deadLetterQueue: sqs.Queue;
  readonly rootCredentials: secretsmanager.Secret;
  readonly functions: Readonly<Record<HandlerName, lambda.Function>>;
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The one rule that sends every event on Hookline's bus to the fire function (the binding router). */
  readonly bindingsRule: events.Rule;
  /** The rule on the default bus forwarding AWS service events, with `forwardAwsServiceEvents`. */
  readonly awsServiceEventsRule?: events.Rule;
  /** The HTTPS endpoint (no trailing slash); clients use it as their root URL. */
  readonly apiUrl: string;
  private readonly bus: HooklineEventBus;

  constructor(scope: Construct, id: string, props: HooklineProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const tracing = props.tracing ?? false;
    // Named before it exists, so the functions that start executions get its ARN without a cycle.
    const job = new JobStateMachineAddress(this, {
      workflowType: props.workflowType,
      name: props.stateMachineName,
    });

    // Storage, the bus, the scheduler and the root secret: what the functions are given.
    const table = new HooklineTable(this, { removalPolicy: props.tableRemovalPolicy });
    this.bus = new HooklineEventBus(this);
    const scheduler = new HooklineScheduler(this);
    const rootCredentials = new RootCredentials(this);
    const artifacts = new ArtifactBucket(this);
    const invokableFunctionArns = props.invokableFunctionArns ?? defaultInvokableFunctionArns(this);

    // The five functions, each granted what it uses of the above (and the job state machine, by ARN).
    const functions = new HooklineFunctions(this, {
      settings: {
        entries: { ...HANDLER_ENTRIES, ...props.handlerEntries },
        useRuntimeAwsSdk: props.useRuntimeAwsSdk,
        tracing,
        logRetention,
      },
      table,
      eventBus: this.bus,
      job,
      rootCredentials,
      scheduler,
      artifacts,
      hookTypesDir: props.hookTypesDir,
      invokableFunctionArns,
    });

    // What calls the functions: the state machine (step, finish), the bus and the schedules (fire,
    // finish, api), the HTTP API (api).
    const jobStateMachine = new JobStateMachine(this, {
      address: job,
      step: functions.step,
      finish: functions.finish,
      logRetention,
      logExecutionData: props.logExecutionData ?? false,
      tracing,
    });
    const triggers = new HooklineTriggers(this, {
      eventBus: this.bus,
      scheduler,
      api: functions.api,
      fire: functions.fire,
      finish: functions.finish,
      forwardAwsServiceEvents: props.forwardAwsServiceEvents,
    });
    const http = new HooklineHttpApi(this, {
      api: functions.api,
      logRetention,
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
    });

    // What watches it all.
    const alarms = new HooklineAlarms(this, {
      stateMachine: jobStateMachine.stateMachine,
      stateMachineName: job.name,
      functions: functions.byName,
      deadLetterQueue: functions.deadLetterQueue,
      alarmTopic: props.alarmTopic,
    });

    this.workflowType = job.workflowType;
    this.stateMachineName = job.name;
    this.table = table.table;
    this.eventBus = this.bus.bus;
    this.scheduleGroup = scheduler.scheduleGroup;
    this.schedulerRole = scheduler.role;
    this.rootCredentials = rootCredentials.secret;
    this.artifactBucket = artifacts.bucket;
    this.functions = functions.byName;
    this.deadLetterQueue = functions.deadLetterQueue;
    this.stateMachine = jobStateMachine.stateMachine;
    this.bindingsRule = triggers.bindingsRule;
    this.awsServiceEventsRule = triggers.awsServiceEventsRule;
    this.httpApi = http.httpApi;
    this.apiStage = http.stage;
    this.apiUrl = http.url;
    this.alarms = alarms.alarms;

    acknowledgeNagFindings(this, Stack.of(this), {
      invokable: invokableFunctionArns,
      tracing,
      executionArns: job.executionsArn,
      scheduleArns: scheduler.schedulesArn,
      artifactObjects: artifacts.objectsArn,
    });
  }

  /** Stack outputs a deployer needs (called by the app's stack; a host app may skip it). */
  addOutputs(scope: Construct = Stack.of(this)): void {
    new CfnOutput(scope, 'ApiUrl', {
      value: this.apiUrl,
      description: 'Hookline root URL (API under /api/hooks/v1)',
    });
    new CfnOutput(scope, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(scope, 'TableName', { value: this.table.tableName });
    new CfnOutput(scope, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(scope, 'RootCredentialsSecretArn', {
      value: this.rootCredentials.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <this> --query SecretString',
    });
    new CfnOutput(scope, 'FireDeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }

  /**
   * Lets a producer (your service's role, a rule forwarding events from another bus) put events
   * on Hookline's bus, with any source but `hookline` (infra/hookline/eventBus.ts); Hookline's own
   * functions, which emit the lifecycle events, are granted the bus without that condition.
   */
  grantPutEventsToProducer(grantee: iam.IGrantable): iam.Grant {
    return this.bus.grantPutEventsToProducer(grantee);
  }
}
