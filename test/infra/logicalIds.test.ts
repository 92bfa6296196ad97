/**
 * The logical ids of the resources a deployed stack must never have replaced. CloudFormation derives a
 * logical id from the construct path, and a changed logical id makes it replace the resource on the next
 * deploy: a replaced table or bucket loses its data, a replaced schedule group its hooks' schedules, a
 * replaced HTTP API its URL. So a refactor of infra/ (infra/hooklineConstruct.ts and its parts under
 * infra/hookline/) that would move one of them fails here, for the default stack and for each variant the
 * infra tests synthesize. A new resource of a stateful type must be added to the list (and then kept).
 */
import path from 'node:path';
import { Stack, aws_logs as logs, aws_sns as sns } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/bundlingOptions.ts';
import { type SynthOptions, type Synthesized, synthHookline } from './synth.ts';

/** Logical id → type, each with what a replacement would lose. */
const PINNED: Record<string, { type: string; loses: string }> = {
  HooklineTableEE649570: { type: 'AWS::DynamoDB::Table', loses: 'every hook, run, step, client and token' },
  HooklineArtifactBucket87E777F4: { type: 'AWS::S3::Bucket', loses: "the runs' artifacts" },
  HooklineJobStateMachineB98DA33E: {
    type: 'AWS::StepFunctions::StateMachine',
    loses: 'the running executions (and, STANDARD, their history)',
  },
  HooklineRootCredentialsC41A2C3C: {
    type: 'AWS::SecretsManager::Secret',
    loses: 'the root credentials operators hold',
  },
  HooklineFireDeadLetterQueueE292C37D: { type: 'AWS::SQS::Queue', loses: 'the fires not yet delivered' },
  HooklineBusE0002DFC: { type: 'AWS::Events::EventBus', loses: "producers' rules and grants naming the bus" },
  HooklineScheduleGroupADFE85D0: {
    type: 'AWS::Scheduler::ScheduleGroup',
    loses: "the hooks' schedules, created at run time in the group",
  },
  HooklineSchedulerRole575BB3E4: {
    type: 'AWS::IAM::Role',
    loses: "the role the hooks' schedules (created at run time) invoke with",
  },
  HooklineFireFunction6810AB04: {
    type: 'AWS::Lambda::Function',
    loses: "the target of the hooks' schedules (created at run time)",
  },
  HooklineHttpApi92703120: { type: 'AWS::ApiGatewayV2::Api', loses: "the API's URL, which clients hold" },
  HooklineApiFunctionLogsB5102806: { type: 'AWS::Logs::LogGroup', loses: "the api function's logs" },
  HooklineFireFunctionLogsB3607F93: { type: 'AWS::Logs::LogGroup', loses: "the fire function's logs" },
  HooklineStepFunctionLogsA4101C6D: { type: 'AWS::Logs::LogGroup', loses: "the step function's logs" },
  HooklineFinishFunctionLogs396BCAB7: { type: 'AWS::Logs::LogGroup', loses: "the finish function's logs" },
  HooklineCommandRunnerFunctionLogs59906D01: {
    type: 'AWS::Logs::LogGroup',
    loses: "the command runner's logs",
  },
  HooklineStateMachineLogs114FA041: { type: 'AWS::Logs::LogGroup', loses: "the executions' logs" },
  HooklineApiAccessLogs2FCE0BFB: { type: 'AWS::Logs::LogGroup', loses: 'the API access logs' },
};

/** Types whose every resource in the template must be pinned (IAM roles and functions are pinned one by one). */
const STATEFUL_TYPES = new Set([
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::StepFunctions::StateMachine',
  'AWS::SecretsManager::Secret',
  'AWS::SQS::Queue',
  'AWS::Events::EventBus',
  'AWS::Scheduler::ScheduleGroup',
  'AWS::ApiGatewayV2::Api',
  'AWS::Logs::LogGroup',
]);

/** The variants the infra tests synthesize (test/infra/variants.test.ts, nag.test.ts, hooklineStack.test.ts, hookTypeScripts.test.ts). */
const VARIANTS: Record<string, () => SynthOptions> = {
  default: () => ({}),
  'Express, context settings, alarm topic, tracing, log retention, concrete environment': () => ({
    env: { account: '123456789012', region: 'eu-west-1' },
    context: {
      workflowType: 'EXPRESS',
      throttlingRateLimit: '10',
      throttlingBurstLimit: '20',
      invokableFunctionArns: 'arn:aws:lambda:eu-west-1:123456789012:function:notify-team',
    },
    hookline: {
      alarmTopic: sns.Topic.fromTopicArn(
        new Stack(),
        'Topic',
        'arn:aws:sns:eu-west-1:123456789012:hookline-alarms',
      ),
      tracing: true,
      logRetention: logs.RetentionDays.ONE_WEEK,
    },
  }),
  'AWS service events forwarded': () => ({ hookline: { forwardAwsServiceEvents: ['aws.s3', 'aws.ecs'] } }),
  'hook type scripts': () => ({
    context: { hookTypesDir: path.join(PROJECT_ROOT, 'examples', 'hook-types') },
  }),
  'every other prop': () => ({
    hookline: {
      invokableFunctionArns: [],
      stateMachineName: 'hookline-job',
      logExecutionData: true,
      useRuntimeAwsSdk: true,
      throttlingRateLimit: 3,
      throttlingBurstLimit: 4,
    },
  }),
};

/** Logical id → type, for the pinned ids and every resource of a stateful type. */
function statefulResources(synth: Synthesized): Record<string, string> {
  const resources = synth.templateJson.Resources;
  return Object.fromEntries(
    Object.entries(resources)
      .filter(([id, r]) => id in PINNED || STATEFUL_TYPES.has(r.Type))
      .map(([id, r]) => [id, r.Type]),
  );
}

const expected = Object.fromEntries(Object.entries(PINNED).map(([id, { type }]) => [id, type]));

describe.each(Object.entries(VARIANTS))('logical ids of stateful resources: %s', (_name, options) => {
  const synth = synthHookline(options());
  afterAll(() => synth.cleanup());

  it('are the ones deployed stacks have (a refactor that would replace one fails here)', () => {
    expect(statefulResources(synth)).toEqual(expected);
  });
});
