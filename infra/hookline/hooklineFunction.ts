import {
  type Duration,
  RemovalPolicy,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { HANDLER_EXPORT, type HandlerName } from '../bundlingOptions.ts';
import { handlerCode } from '../handlerCode.ts';

/** What every Hookline function shares: where its code comes from, how it is bundled, traced and logged. */
export interface FunctionSettings {
  /** The handler entry module of each function (infra/bundlingOptions.ts HANDLER_ENTRIES, or the props' override). */
  readonly entries: Readonly<Record<HandlerName, string>>;
  readonly useRuntimeAwsSdk?: boolean;
  readonly tracing: boolean;
  readonly logRetention: logs.RetentionDays;
}

/** One function: what differs from the others. */
export interface FunctionSpec {
  readonly name: HandlerName;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** Directories copied beside the bundle (infra/handlerCode.ts). */
  readonly include?: ReadonlyArray<{ from: string; to: string }>;
}

/**
 * A Hookline Lambda function (Node.js 22, arm64, bundled by infra/handlerCode.ts) with its own log group
 * and its own role, which may write to that log group and nothing else until it is granted more. Its
 * constructs are `<Name>FunctionLogs`, `<Name>FunctionRole` and `<Name>Function` in `scope`, the Hookline
 * construct (see the top of infra/hooklineConstruct.ts).
 */
export function hooklineFunction(
  scope: Construct,
  settings: FunctionSettings,
  spec: FunctionSpec,
  extra: Partial<lambda.FunctionProps> = {},
): lambda.Function {
  const logicalName = spec.name[0]!.toUpperCase() + spec.name.slice(1);
  const logGroup = new logs.LogGroup(scope, `${logicalName}FunctionLogs`, {
    retention: settings.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // One role per function, written out instead of AWSLambdaBasicExecutionRole (which
  // allows writing to every log group): this one may only write to its own log group.
  const role = new iam.Role(scope, `${logicalName}FunctionRole`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Hookline ${spec.name} function`,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  return new lambda.Function(scope, `${logicalName}Function`, {
    code: handlerCode(settings.entries[spec.name], {
      useRuntimeAwsSdk: settings.useRuntimeAwsSdk,
      include: spec.include,
    }),
    handler: `index.${HANDLER_EXPORT}`,
    description: spec.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: spec.memorySize,
    timeout: spec.timeout,
    role,
    logGroup,
    environment: spec.environment,
    tracing: settings.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
    ...extra,
  });
}
