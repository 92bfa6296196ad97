import {
  ArnFormat,
  Duration,
  Stack,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENVIRONMENT_VARIABLES } from '../../functions/adapters/aws/environment.ts';
import { DEFAULT_SETTINGS } from '../../functions/app/services.ts';
import { DASHBOARD_DIST_DIR, type HandlerName } from '../bundlingOptions.ts';
import { HOOK_TYPE_CATALOG_FILE, HOOK_TYPE_CATALOG_FOLDER, hookTypeCatalogDir } from '../hookTypeCatalog.ts';
import type { ArtifactBucket } from './artifactBucket.ts';
import { CommandRunner } from './commandRunner.ts';
import type { HooklineEventBus } from './eventBus.ts';
import { type FunctionSettings, hooklineFunction } from './hooklineFunction.ts';
import type { JobStateMachineAddress } from './jobStateMachine.ts';
import type { RootCredentials } from './rootCredentials.ts';
import type { HooklineScheduler } from './scheduler.ts';
import type { HooklineTable } from './table.ts';

export interface HooklineFunctionsProps {
  readonly settings: FunctionSettings;
  readonly table: HooklineTable;
  readonly eventBus: HooklineEventBus;
  readonly job: JobStateMachineAddress;
  readonly rootCredentials: RootCredentials;
  readonly scheduler: HooklineScheduler;
  readonly artifacts: ArtifactBucket;
  /** The construct's `hookTypesDir`: the scripts go to the command runner, the types to the api function. */
  readonly hookTypesDir?: string;
  /** The functions `lambda` steps may invoke (the construct's `invokableFunctionArns`, defaulted). */
  readonly invokableFunctionArns: readonly string[];
}

/**
 * Hookline's five functions, their environment and what each may do (IAM per function and per action),
 * plus the fire function's dead-letter queue. Every handler builds the same cloud services at cold start
 * (functions/adapters/aws/cloudServices.ts). Created in the Hookline construct's own scope (see the top of
 * infra/hooklineConstruct.ts).
 */
export class HooklineFunctions {
  readonly api: lambda.Function;
  readonly fire: lambda.Function;
  readonly step: lambda.Function;
  readonly finish: lambda.Function;
  readonly commandRunner: lambda.Function;
  /** The five, by handler name (the order the alarms and the acknowledgements go through them). */
  readonly byName: Readonly<Record<HandlerName, lambda.Function>>;
  /** Schedules and events the fire function could not take after Lambda's retries. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, props: HooklineFunctionsProps) {
    const { settings, table, eventBus, job, rootCredentials, scheduler, artifacts } = props;
    this.deadLetterQueue = new sqs.Queue(scope, 'FireDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // Only the api function manages hooks, tokens and clients, so only it reads the service secret
    // (FUNCTIONS_READING_THE_SECRET in functions/adapters/aws/cloudServices.ts) and gets its ARN.
    const common = {
      [ENVIRONMENT_VARIABLES.tableName]: table.table.tableName,
      [ENVIRONMENT_VARIABLES.eventBusName]: eventBus.bus.eventBusName,
      [ENVIRONMENT_VARIABLES.stateMachineArn]: job.arn,
    };
    const fire = hooklineFunction(
      scope,
      settings,
      {
        name: 'fire',
        description: 'Hookline: fires a hook for a schedule or a matching event and starts its run',
        memorySize: 512,
        timeout: Duration.seconds(30),
        environment: common,
      },
      // EventBridge and Scheduler invoke asynchronously: after Lambda's retries, the event
      // goes to the dead-letter queue (alarmed, infra/hookline/alarms.ts) instead of being lost.
      { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2 },
    );
    const commandRunner = new CommandRunner(scope, settings, props.hookTypesDir);
    const step = hooklineFunction(scope, settings, {
      name: 'step',
      description:
        'Hookline: runs one step of a run (http, lambda, event; command steps through the command runner)',
      memorySize: 1024,
      // The job definition waits 910 s for RunPreHook/RunTask/RunPostHook/RunNotify. Every step
      // must fit in this timeout (functions/core/stepBudget.ts reads the same setting).
      timeout: Duration.seconds(DEFAULT_SETTINGS.stepFunctionTimeoutSeconds),
      environment: { ...common, ...commandRunner.callerEnvironment },
    });
    const finish = hooklineFunction(scope, settings, {
      name: 'finish',
      description: 'Hookline: settles a run, computes its result and starts queued runs',
      memorySize: 512,
      // The job definition waits 60 s for Finish.
      timeout: Duration.seconds(50),
      environment: common,
    });
    const catalog = props.hookTypesDir ? hookTypeCatalogDir(props.hookTypesDir) : undefined;
    const api = hooklineFunction(scope, settings, {
      name: 'api',
      description: 'Hookline: the HTTP API (Taskcluster hooks v1 and run extensions)',
      memorySize: 512,
      // API Gateway HTTP APIs wait at most 30 s for an integration.
      timeout: Duration.seconds(29),
      environment: {
        ...common,
        [ENVIRONMENT_VARIABLES.rootCredentialsSecretArn]: rootCredentials.secret.secretArn,
        [ENVIRONMENT_VARIABLES.scheduleGroupName]: scheduler.scheduleGroup.scheduleGroupName,
        [ENVIRONMENT_VARIABLES.schedulerRoleArn]: scheduler.role.roleArn,
        [ENVIRONMENT_VARIABLES.fireFunctionArn]: fire.functionArn,
        ...(catalog ? { [ENVIRONMENT_VARIABLES.hookTypeCatalog]: HOOK_TYPE_CATALOG_FILE } : {}),
      },
      // The api function serves the dashboard (functions/api/routes/dashboard.ts) from its own copy, and
      // stores the operator's hook types at cold start (functions/adapters/aws/hookTypeCatalog.ts).
      include: [
        { from: DASHBOARD_DIST_DIR, to: 'dashboard' },
        ...(catalog ? [{ from: catalog, to: HOOK_TYPE_CATALOG_FOLDER }] : []),
      ],
    });

    // ── what each function may do (beyond writing its own logs) ─────────────────────────
    artifacts.grantSignUploads(step);
    artifacts.grantSignDownloads(api);
    for (const fn of [api, fire, step, finish]) {
      table.grantItemReadWrite(fn);
      eventBus.grantPutEvents(fn);
    }
    rootCredentials.grantGetSecretValue(api);
    // api (POST trigger), fire (schedules, bindings) and finish (queued runs) start runs.
    for (const fn of [api, fire, finish]) job.grantStartExecution(fn);
    // No StopExecution/DescribeExecution for the api: run status lives in the table, and cancel is a flag
    // there that the running step watches (the same in both workflow types).
    job.grantDescribeExecutions(finish);
    // Only the api function changes schedules (hooks' schedules, trigger repair).
    scheduler.grantManageSchedules(api);
    commandRunner.grantInvoke(step);
    if (props.invokableFunctionArns.length > 0) {
      step.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [...props.invokableFunctionArns],
        }),
      );
    }

    this.api = api;
    this.fire = fire;
    this.step = step;
    this.finish = finish;
    this.commandRunner = commandRunner.function;
    this.byName = { api, fire, step, finish, commandRunner: commandRunner.function };
  }
}

/** The default of `invokableFunctionArns`: functions named `hookline-*` in the stack's account and region. */
export function defaultInvokableFunctionArns(scope: Construct): string[] {
  return [
    Stack.of(scope).formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: 'hookline-*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  ];
}
