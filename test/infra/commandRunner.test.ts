import type { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES } from '../../functions/adapters/aws/environment.ts';
import {
  actionsOf,
  buildHookline,
  flat,
  logicalIdOf,
  roleOfFunction,
  statementsOfRole,
  synthHookline,
  type TemplateJson,
} from './synth.ts';

/**
 * Commands in the cloud run in the command-runner function, whose role grants nothing but its own
 * logs; the step function may invoke it. Producers the stack grants the bus to may not use the
 * `hookline` source (README, "What a command step can and cannot reach").
 */
const synthesized = synthHookline();
const t = synthesized.templateJson;
afterAll(() => synthesized.cleanup());

const runnerId = logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineCommandRunnerFunction');
const stepId = logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineStepFunction');

describe('the command-runner function', () => {
  it('may write its own log group and nothing else: no table, bus, secret, invoke, S3 or state machine', () => {
    const statements = statementsOfRole(t, roleOfFunction(t, runnerId));
    expect(actionsOf(statements)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    const logGroup = (t.Resources[runnerId]!.Properties!.LoggingConfig as { LogGroup: { Ref: string } })
      .LogGroup.Ref;
    for (const s of statements) expect(flat(s.Resource)).toBe(`<${logGroup}.Arn>`);
    for (const forbidden of [
      'dynamodb:',
      'events:',
      'secretsmanager:',
      'lambda:',
      's3:',
      'states:',
      'kms:',
    ]) {
      expect(actionsOf(statements).filter((a) => a.startsWith(forbidden))).toEqual([]);
    }
    expect(t.Resources[roleOfFunction(t, runnerId)]!.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it("is told nothing about Hookline's resources in its environment", () => {
    // No variables at all: not the table, the bus, the state machine or the secret.
    expect(t.Resources[runnerId]!.Properties!.Environment).toBeUndefined();
  });

  it('runs the Node.js 22 handler for up to a step (900 s)', () => {
    expect(t.Resources[runnerId]!.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 900,
    });
  });

  it('the step function may invoke it and is told its name', () => {
    const invoke = statementsOfRole(t, roleOfFunction(t, stepId)).filter(
      (s) => s.Action === 'lambda:InvokeFunction' && flat(s.Resource) === `<${runnerId}.Arn>`,
    );
    expect(invoke).toHaveLength(1);
    const env = (t.Resources[stepId]!.Properties!.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env[ENVIRONMENT_VARIABLES.commandRunnerFunctionName]).toEqual({ Ref: runnerId });
  });

  it('the state machine still invokes only the step and finish functions', () => {
    const sm = logicalIdOf(t, 'AWS::StepFunctions::StateMachine', 'HooklineJobStateMachine');
    const role = (t.Resources[sm]!.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const resources = statementsOfRole(t, role)
      .filter((s) => s.Action === 'lambda:InvokeFunction')
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
      .map(flat);
    expect(resources.some((r) => r.includes(runnerId))).toBe(false);
  });
});

describe('grantPutEventsToProducer', () => {
  it('grants PutEvents on the bus with every source but "hookline" (events:source)', () => {
    const built = buildHookline();
    try {
      const producer = new iam.Role(built.stack, 'Producer', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      built.stack.hookline.grantPutEventsToProducer(producer);
      const app = built.app as App;
      const template = app.synth().getStackArtifact(built.stack.artifactId).template as TemplateJson;
      const producerId = logicalIdOf(template, 'AWS::IAM::Role', 'Producer');
      const busId = logicalIdOf(template, 'AWS::Events::EventBus', 'HooklineBus');
      expect(statementsOfRole(template, producerId)).toEqual([
        {
          Action: 'events:PutEvents',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
          Condition: { StringNotEquals: { 'events:source': 'hookline' } },
        },
      ]);
    } finally {
      built.cleanup();
    }
  });
});
