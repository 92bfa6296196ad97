import {
  ArnFormat,
  Names,
  RemovalPolicy,
  Stack,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_logs as logs,
  aws_stepfunctions as sfn,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { STATE_MACHINE_DEFINITION_FILE } from '../bundlingOptions.ts';

export type WorkflowType = 'STANDARD' | 'EXPRESS';

/**
 * The `job` state machine's name and ARNs, fixed at synth time before the state machine exists, so the
 * functions it invokes (finish starts queued runs) can be given its ARN without a CloudFormation
 * dependency cycle; and the rights on it the functions get.
 */
export class JobStateMachineAddress {
  readonly workflowType: WorkflowType;
  readonly name: string;
  readonly arn: string;
  /** Executions of the job state machine (named after their runs). */
  readonly executionsArn: string;

  /** `scope` is the Hookline construct: the default name is unique per stack and construct path. */
  constructor(scope: Construct, props: { readonly workflowType?: WorkflowType; readonly name?: string }) {
    this.workflowType = props.workflowType ?? 'STANDARD';
    if (this.workflowType !== 'STANDARD' && this.workflowType !== 'EXPRESS') {
      throw new Error(`workflowType must be STANDARD or EXPRESS, got ${String(this.workflowType)}`);
    }
    // The name carries the type, so a type change replaces the state machine cleanly.
    const typeSuffix = this.workflowType === 'EXPRESS' ? '-job-express' : '-job';
    this.name =
      props.name ??
      Names.uniqueResourceName(scope, { maxLength: 80 - typeSuffix.length, separator: '-' }) + typeSuffix;
    const stack = Stack.of(scope);
    this.arn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.executionsArn = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  grantStartExecution(fn: lambda.IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.arn] }),
    );
  }

  /** The run sweeper compares unfinished runs with their executions (executions are named after runs). */
  grantDescribeExecutions(fn: lambda.IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [this.executionsArn] }),
    );
  }
}

export interface JobStateMachineProps {
  readonly address: JobStateMachineAddress;
  /** The functions the definition invokes (statemachines/job.asl.json `${StepFunctionArn}`, `${FinishFunctionArn}`). */
  readonly step: lambda.IFunction;
  readonly finish: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
  readonly logExecutionData: boolean;
  readonly tracing: boolean;
}

/**
 * The `job` state machine (statemachines/job.asl.json) and its log group, in the Hookline construct's own
 * scope (see the top of infra/hooklineConstruct.ts).
 */
export class JobStateMachine {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, props: JobStateMachineProps) {
    const { address } = props;
    const stateMachineLogs = new logs.LogGroup(scope, 'StateMachineLogs', {
      // The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy small.
      logGroupName: `/aws/vendedlogs/states/${address.name}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(scope, 'JobStateMachine', {
      stateMachineName: address.name,
      stateMachineType:
        address.workflowType === 'EXPRESS' ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(STATE_MACHINE_DEFINITION_FILE),
      definitionSubstitutions: {
        StepFunctionArn: props.step.functionArn,
        FinishFunctionArn: props.finish.functionArn,
      },
      // Logging makes CDK grant the role logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery,
      // DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies and
      // DescribeLogGroups on "*": these CloudWatch Logs vended-delivery APIs have no resource-level
      // permissions. (With tracing, the X-Ray Put*/GetSampling* actions likewise need "*".)
      logs: {
        destination: stateMachineLogs,
        level: sfn.LogLevel.ALL,
        includeExecutionData: props.logExecutionData,
      },
      tracingEnabled: props.tracing,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The definition invokes exactly these two unqualified function ARNs.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.step.functionArn, props.finish.functionArn],
      }),
    );
  }
}
