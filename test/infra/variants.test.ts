/**
 * Non-default settings, all in one synth: `-c workflowType=EXPRESS` and the other context
 * keys the app reads, plus construct props (alarm topic, tracing, log retention) and a
 * concrete account/region. Also the context parser on its own.
 */
import { App, Stack, aws_logs as logs, aws_sns as sns } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { hooklinePropsFromContext } from '../../infra/hooklineStack.ts';
import { actionsOf, flat, logicalIdOf, roleOfFunction, statementsOfRole, synthHookline } from './synth.ts';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:hookline-alarms';
const notifyArn = 'arn:aws:lambda:eu-west-1:123456789012:function:notify-team';
const synth = synthHookline({
  env: { account: '123456789012', region: 'eu-west-1' },
  context: {
    workflowType: 'EXPRESS',
    throttlingRateLimit: '10',
    throttlingBurstLimit: '20',
    invokableFunctionArns: notifyArn,
  },
  hookline: {
    alarmTopic: sns.Topic.fromTopicArn(new Stack(), 'Topic', topicArn),
    tracing: true,
    logRetention: logs.RetentionDays.ONE_WEEK,
  },
});
afterAll(() => synth.cleanup());
const { template, templateJson: t } = synth;
const smId = logicalIdOf(t, 'AWS::StepFunctions::StateMachine', 'HooklineJobStateMachine');
const fn = (name: string) => logicalIdOf(t, 'AWS::Lambda::Function', `Hookline${name}Function`);

describe('-c workflowType=EXPRESS', () => {
  it('makes the job state machine Express, with a name that says so (a type change replaces it cleanly)', () => {
    const p = t.Resources[smId]!.Properties!;
    expect(p.StateMachineType).toBe('EXPRESS');
    expect(p.StateMachineName).toMatch(/-job-express$/);
    expect(p.DefinitionS3Location).toBeDefined();
  });

  it('gives the api function no StopExecution/DescribeExecution (cancel is a flag in the table)', () => {
    const actions = actionsOf(statementsOfRole(t, roleOfFunction(t, fn('Api'))));
    expect(actions).toContain('states:StartExecution');
    expect(actions).not.toContain('states:StopExecution');
    expect(actions).not.toContain('states:DescribeExecution');
  });
});

describe('other context and props', () => {
  it('throttling limits come from context', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
  });

  it('invokableFunctionArns replaces the hookline-* default for the step function', () => {
    const invoke = statementsOfRole(t, roleOfFunction(t, fn('Step'))).filter(
      (s) => s.Action === 'lambda:InvokeFunction',
    );
    // the command runner (command steps) and the functions lambda steps may call: only notify-team
    expect(invoke).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [fn('CommandRunner'), 'Arn'] },
      },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: notifyArn },
    ]);
  });

  it('every alarm notifies the alarm topic', () => {
    const alarms = Object.values(t.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(8);
    for (const a of alarms) expect(a.Properties!.AlarmActions).toEqual([topicArn]);
  });

  it('tracing turns on X-Ray for the functions and the state machine', () => {
    for (const name of ['Api', 'Fire', 'Step', 'Finish', 'CommandRunner']) {
      expect(t.Resources[fn(name)]!.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
    }
    expect(t.Resources[smId]!.Properties!.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('log retention applies to every log group', () => {
    const groups = Object.values(t.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(7);
    for (const g of groups) expect(g.Properties!.RetentionInDays).toBe(7);
  });

  it('with a concrete environment, account and region are concrete in ARNs', () => {
    const fireEnv = (
      t.Resources[fn('Fire')]!.Properties!.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(flat(fireEnv.HOOKLINE_STATE_MACHINE_ARN)).toBe(
      `arn:<AWS::Partition>:states:eu-west-1:123456789012:stateMachine:${t.Resources[smId]!.Properties!.StateMachineName}`,
    );
  });
});

describe('hooklinePropsFromContext', () => {
  const parse = (context: Record<string, unknown>) => hooklinePropsFromContext(new App({ context }).node);

  it('reads nothing when no context is set', () => {
    expect(parse({})).toEqual({});
  });

  it('accepts workflowType in any case and rejects anything else', () => {
    expect(parse({ workflowType: 'express' })).toEqual({ workflowType: 'EXPRESS' });
    expect(parse({ workflowType: 'STANDARD' })).toEqual({ workflowType: 'STANDARD' });
    expect(() => parse({ workflowType: 'SYNC' })).toThrow(/STANDARD or EXPRESS/);
  });

  it('reads invokableFunctionArns as a JSON array, a comma list, or empty (= none)', () => {
    expect(parse({ invokableFunctionArns: '["a","b"]' })).toEqual({ invokableFunctionArns: ['a', 'b'] });
    expect(parse({ invokableFunctionArns: ['a'] })).toEqual({ invokableFunctionArns: ['a'] });
    expect(parse({ invokableFunctionArns: 'a, b' })).toEqual({ invokableFunctionArns: ['a', 'b'] });
    expect(parse({ invokableFunctionArns: '' })).toEqual({ invokableFunctionArns: [] });
  });

  it('reads throttling limits as numbers and rejects nonsense', () => {
    expect(parse({ throttlingRateLimit: '5', throttlingBurstLimit: 9 })).toEqual({
      throttlingRateLimit: 5,
      throttlingBurstLimit: 9,
    });
    expect(() => parse({ throttlingRateLimit: 'fast' })).toThrow(/non-negative number/);
  });
});
