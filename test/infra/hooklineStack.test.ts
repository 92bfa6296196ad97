/**
 * The synthesized Hookline stack (defaults: Standard workflow), checked resource by resource.
 * One synth for the whole file, bundling skipped. (aws-cdk-lib's built-in CloudFormation
 * template validation is off here: it costs ~10 s per synth; `npm run synth` runs it.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES } from '../../functions/adapters/aws/environment.ts';
import { ENGINE_ERROR_MESSAGE } from '../../functions/app/engineErrors.ts';
import { PROJECT_ROOT } from '../../infra/bundlingOptions.ts';
import { DEFAULT_THROTTLING } from '../../infra/hooklineConstruct.ts';
import {
  actionsOf,
  flat,
  logicalIdOf,
  roleOfFunction,
  statementsOfRole,
  synthHookline,
  type TemplateJson,
} from './synth.ts';

const synth = synthHookline();
const { template, templateJson: t } = synth;
afterAll(() => synth.cleanup());

const R = t.Resources;
const fnId = {
  api: logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineApiFunction'),
  fire: logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineFireFunction'),
  step: logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineStepFunction'),
  finish: logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineFinishFunction'),
};
const tableId = logicalIdOf(t, 'AWS::DynamoDB::Table', 'HooklineTable');
const busId = logicalIdOf(t, 'AWS::Events::EventBus', 'HooklineBus');
const queueId = logicalIdOf(t, 'AWS::SQS::Queue', 'HooklineFireDeadLetterQueue');
const secretId = logicalIdOf(t, 'AWS::SecretsManager::Secret', 'HooklineRootCredentials');
const smId = logicalIdOf(t, 'AWS::StepFunctions::StateMachine', 'HooklineJobStateMachine');
const groupId = logicalIdOf(t, 'AWS::Scheduler::ScheduleGroup', 'HooklineScheduleGroup');
const schedulerRoleId = logicalIdOf(t, 'AWS::IAM::Role', 'HooklineSchedulerRole');
const apiId = logicalIdOf(t, 'AWS::ApiGatewayV2::Api', 'HooklineHttpApi');
const bindingsRuleId = logicalIdOf(t, 'AWS::Events::Rule', 'HooklineBindingsRule');
const smName = R[smId]!.Properties!.StateMachineName as string;

function ofType(templateJson: TemplateJson, type: string) {
  return Object.entries(templateJson.Resources).filter(([, r]) => r.Type === type);
}

describe('resources', () => {
  it('has exactly the resources of the design, one of each (five functions, eight alarms)', () => {
    const counts: Record<string, number> = {};
    for (const r of Object.values(R)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    expect(counts).toMatchObject({
      'AWS::Lambda::Function': 5, // api, fire, step, finish, commandRunner
      'AWS::DynamoDB::Table': 1,
      'AWS::Events::EventBus': 1,
      'AWS::Scheduler::ScheduleGroup': 1,
      'AWS::StepFunctions::StateMachine': 1,
      'AWS::ApiGatewayV2::Api': 1,
      'AWS::ApiGatewayV2::Stage': 1,
      'AWS::ApiGatewayV2::Route': 1,
      'AWS::ApiGatewayV2::Integration': 1,
      'AWS::SQS::Queue': 1,
      'AWS::SecretsManager::Secret': 1,
      'AWS::CloudWatch::Alarm': 8,
      'AWS::Logs::MetricFilter': 2, // engine errors, in the step and finish functions' logs
      'AWS::Scheduler::Schedule': 3, // queue sweep, run sweep, trigger repair
      'AWS::Logs::LogGroup': 7, // 5 functions + state machine + API access logs
    });
    // Nothing else that costs money at idle or widens access (no custom resources, no managed policies).
    expect(
      Object.keys(counts).filter((k) => k.startsWith('Custom::') || k === 'AWS::Lambda::LayerVersion'),
    ).toEqual([]);
  });
});

describe('DynamoDB table', () => {
  it('is on-demand with pk/sk, gsi1, PITR, TTL on expiresAt, deletion protection and KMS encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
        { AttributeName: 'gsi2pk', AttributeType: 'S' },
        { AttributeName: 'gsi2sk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
      // SSEEnabled without a key id = the AWS managed key aws/dynamodb.
      SSESpecification: { SSEEnabled: true },
    });
    expect(R[tableId]!.DeletionPolicy).toBe('Retain');
    expect(R[tableId]!.Properties!.ProvisionedThroughput).toBeUndefined();
  });
});

describe('Lambda functions', () => {
  it.each(Object.entries(fnId))(
    '%s: Node.js 22 on arm64, handler index.handler, its own log group',
    (_name, id) => {
      const p = R[id]!.Properties!;
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Handler).toBe('index.handler');
      const logGroupRef = (p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(R[logGroupRef]!.Type).toBe('AWS::Logs::LogGroup');
      expect(R[logGroupRef]!.Properties!.RetentionInDays).toBe(30);
      // Source maps are uploaded but not parsed at every cold start (infra/bundlingOptions.ts).
      expect(
        (p.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS,
      ).toBeUndefined();
    },
  );

  it('every function has its own log group and role (no shared role, no managed policy)', () => {
    const logGroups = Object.values(fnId).map(
      (id) => (R[id]!.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref,
    );
    const roles = Object.values(fnId).map((id) => roleOfFunction(t, id));
    expect(new Set(logGroups).size).toBe(4);
    expect(new Set(roles).size).toBe(4);
    for (const role of roles) expect(R[role]!.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it('timeouts fit their callers: api < 30 s (HTTP API limit), step 900 s, finish < 60 s', () => {
    expect(R[fnId.api]!.Properties!.Timeout).toBe(29);
    expect(R[fnId.fire]!.Properties!.Timeout).toBe(30);
    expect(R[fnId.step]!.Properties!.Timeout).toBe(900);
    expect(R[fnId.finish]!.Properties!.Timeout).toBeLessThan(60);
  });

  it('environment variable names come from ENVIRONMENT_VARIABLES and point at the right resources', () => {
    const env = (id: string) =>
      (R[id]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    const stateMachineArn = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${smName}`;
    for (const [name, id] of Object.entries(fnId)) {
      const v = env(id);
      expect(v[ENVIRONMENT_VARIABLES.tableName]).toEqual({ Ref: tableId });
      expect(v[ENVIRONMENT_VARIABLES.eventBusName]).toEqual({ Ref: busId });
      expect(flat(v[ENVIRONMENT_VARIABLES.stateMachineArn])).toBe(stateMachineArn);
      // Only the api function reads the service secret (FUNCTIONS_READING_THE_SECRET in cloudServices.ts).
      if (name === 'api')
        expect(v[ENVIRONMENT_VARIABLES.rootCredentialsSecretArn]).toEqual({ Ref: secretId });
      else expect(v).not.toHaveProperty(ENVIRONMENT_VARIABLES.rootCredentialsSecretArn);
    }
    const api = env(fnId.api);
    expect(api[ENVIRONMENT_VARIABLES.scheduleGroupName]).toBe(R[groupId]!.Properties!.Name);
    expect(api[ENVIRONMENT_VARIABLES.schedulerRoleArn]).toEqual({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] });
    expect(api[ENVIRONMENT_VARIABLES.fireFunctionArn]).toEqual({ 'Fn::GetAtt': [fnId.fire, 'Arn'] });
    // Every name the contract defines is given to the api function, but the command runner's
    // name, which only the step function (the one that runs command steps) is told, and the hook
    // type catalog, given only with `hookTypesDir` (test/infra/hookTypeScripts.test.ts).
    for (const name of Object.values(ENVIRONMENT_VARIABLES)) {
      if (name === ENVIRONMENT_VARIABLES.commandRunnerFunctionName) continue;
      if (name === ENVIRONMENT_VARIABLES.hookTypeCatalog) continue;
      expect(api).toHaveProperty(name);
    }
    expect(env(fnId.step)).toHaveProperty(ENVIRONMENT_VARIABLES.commandRunnerFunctionName);
    // The state machine ARN given to the functions is the state machine's.
    expect(R[smId]!.Properties!.StateMachineName).toBe(smName);
  });

  it('fire: failed async deliveries go to an encrypted, TLS-only SQS dead-letter queue after 2 retries', () => {
    expect(R[fnId.fire]!.Properties!.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId.fire },
      MaximumRetryAttempts: 2,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('fire: EventBridge may invoke it only from the one bindings rule on the Hookline bus', () => {
    const perms = ofType(t, 'AWS::Lambda::Permission').filter(
      ([, r]) => r.Properties!.Principal === 'events.amazonaws.com',
    );
    expect(perms).toHaveLength(1);
    const p = perms[0]![1].Properties!;
    expect(p.FunctionName).toEqual({ 'Fn::GetAtt': [fnId.fire, 'Arn'] });
    expect(p.SourceArn).toEqual({ 'Fn::GetAtt': [bindingsRuleId, 'Arn'] });
  });

  it('no function is reachable by any other principal except API Gateway → api', () => {
    const perms = ofType(t, 'AWS::Lambda::Permission').map(([, r]) => [
      r.Properties!.Principal,
      flat(r.Properties!.FunctionName),
    ]);
    expect(perms.sort()).toEqual(
      [
        ['apigateway.amazonaws.com', `<${fnId.api}.Arn>`],
        ['events.amazonaws.com', `<${fnId.fire}.Arn>`],
      ].sort(),
    );
  });
});

describe('EventBridge bus and Scheduler', () => {
  it('has a custom event bus', () => {
    expect(R[busId]!.Properties!.Name).toEqual(expect.any(String));
  });

  it('the scheduler role is assumable only by EventBridge Scheduler for this group and invokes only fire, finish and api', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] } },
            },
          },
        ],
      },
    });
    // fire (hook schedules, the queue sweep) and api (the trigger repair), nothing else.
    expect(statementsOfRole(t, schedulerRoleId)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [fnId.fire, 'Arn'] }, { 'Fn::GetAtt': [fnId.finish, 'Arn'] }],
      },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId.api, 'Arn'] } },
    ]);
  });
});

describe('Step Functions', () => {
  it('the job state machine is Standard, built from the ASL file with substitutions, logging ALL', () => {
    const p = R[smId]!.Properties!;
    expect(p.StateMachineType).toBe('STANDARD');
    expect(p.DefinitionS3Location).toBeDefined(); // DefinitionBody.fromFile → an S3 asset
    expect(p.DefinitionSubstitutions).toEqual({
      StepFunctionArn: { 'Fn::GetAtt': [fnId.step, 'Arn'] },
      FinishFunctionArn: { 'Fn::GetAtt': [fnId.finish, 'Arn'] },
    });
    const logging = p.LoggingConfiguration as {
      Level: string;
      IncludeExecutionData: boolean;
      Destinations: Array<{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }>;
    };
    expect(logging.Level).toBe('ALL');
    expect(logging.IncludeExecutionData).toBe(false);
    const logGroupId = logging.Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(R[logGroupId]!.Properties).toMatchObject({
      LogGroupName: `/aws/vendedlogs/states/${smName}`,
      RetentionInDays: 30,
    });
  });

  it('the state machine role invokes exactly the step and finish functions (unqualified ARNs)', () => {
    const roleId = (R[smId]!.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const invoke = statementsOfRole(t, roleId).filter((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [fnId.step, 'Arn'] }, { 'Fn::GetAtt': [fnId.finish, 'Arn'] }],
      },
    ]);
  });
});

describe('HTTP API', () => {
  it('is an HTTP API whose $default route proxies to the api function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: apiId },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [fnId.api, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      ApiId: { Ref: apiId },
      RouteKey: '$default',
    });
  });

  it('the $default stage auto-deploys, throttles the default route and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_THROTTLING.rateLimit,
        ThrottlingBurstLimit: DEFAULT_THROTTLING.burstLimit,
      },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HooklineApiAccessLogs'), 'Arn'] },
      },
    });
  });

  it('API Gateway may invoke the api function only for this API', () => {
    const perm = ofType(t, 'AWS::Lambda::Permission').find(
      ([, r]) => r.Properties!.Principal === 'apigateway.amazonaws.com',
    )!;
    expect(flat(perm[1].Properties!.SourceArn)).toBe(
      `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/*/*`,
    );
  });
});

describe('root credentials secret', () => {
  it('is generated at deploy as {clientId: "root", accessToken}', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ clientId: 'root' }),
        GenerateStringKey: 'accessToken',
        PasswordLength: 44,
        ExcludePunctuation: true,
      },
    });
  });
});

describe('IAM least privilege', () => {
  const table = [`<${tableId}.Arn>`, `<${tableId}.Arn>/index/gsi1`].join(' | ');
  const bus = `<${busId}.Arn>`;
  const sm = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${smName}`;
  const dynamo = [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ];
  const secret = {
    actions: ['secretsmanager:GetSecretValue'],
    resource: `<${secretId}>`,
    condition: undefined,
  };
  // The artifact bucket's run objects (test/infra/artifactBucket.test.ts).
  const artifacts = `<${logicalIdOf(t, 'AWS::S3::Bucket', 'HooklineArtifactBucket')}.Arn>/runs/*`;
  const grants = (name: keyof typeof fnId) =>
    statementsOfRole(t, roleOfFunction(t, fnId[name]))
      .filter((s) => !String(s.Action).startsWith('logs:'))
      .map((s) => ({ actions: actionsOf([s]), resource: flat(s.Resource), condition: s.Condition }));

  it('api: table, events, the secret, start/stop/describe runs, group schedules, PassRole (no rules), artifact downloads', () => {
    expect(grants('api')).toEqual([
      { actions: ['s3:GetObject'], resource: artifacts, condition: undefined },
      { actions: dynamo, resource: table, condition: undefined },
      { actions: ['events:PutEvents'], resource: bus, condition: undefined },
      secret,
      { actions: ['states:StartExecution'], resource: sm, condition: undefined },
      {
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
          'scheduler:UpdateSchedule',
        ],
        resource: `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${R[groupId]!.Properties!.Name}/*`,
        condition: undefined,
      },
      {
        actions: ['iam:PassRole'],
        resource: `<${schedulerRoleId}.Arn>`,
        condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('fire: dead-letter queue, table, events, start runs', () => {
    expect(grants('fire')).toEqual([
      { actions: ['sqs:SendMessage'], resource: `<${queueId}.Arn>`, condition: undefined },
      { actions: dynamo, resource: table, condition: undefined },
      { actions: ['events:PutEvents'], resource: bus, condition: undefined },
      { actions: ['states:StartExecution'], resource: sm, condition: undefined },
    ]);
  });

  it('step: table, events, the command runner, lambda steps only on hookline-* functions by default, artifact uploads', () => {
    const runner = logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineCommandRunnerFunction');
    expect(grants('step')).toEqual([
      { actions: ['s3:PutObject'], resource: artifacts, condition: undefined },
      { actions: dynamo, resource: table, condition: undefined },
      { actions: ['events:PutEvents'], resource: bus, condition: undefined },
      { actions: ['lambda:InvokeFunction'], resource: `<${runner}.Arn>`, condition: undefined },
      {
        actions: ['lambda:InvokeFunction'],
        resource: 'arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:hookline-*',
        condition: undefined,
      },
    ]);
  });

  it('finish: table, events, start queued runs, describe the job executions (the run sweeper)', () => {
    expect(grants('finish')).toEqual([
      { actions: dynamo, resource: table, condition: undefined },
      { actions: ['events:PutEvents'], resource: bus, condition: undefined },
      { actions: ['states:StartExecution'], resource: sm, condition: undefined },
      {
        actions: ['states:DescribeExecution'],
        resource: `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${smName}:*`,
        condition: undefined,
      },
    ]);
  });

  it('each function writes logs only to its own log group', () => {
    for (const id of Object.values(fnId)) {
      const logs = statementsOfRole(t, roleOfFunction(t, id)).filter((s) =>
        String(s.Action).startsWith('logs:'),
      );
      const logGroupId = (R[id]!.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logs).toEqual([
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
      ]);
    }
  });

  it('no policy anywhere allows a wildcard action; "*" resources only for log delivery (no resource-level IAM)', () => {
    const all = ofType(t, 'AWS::IAM::Policy').flatMap(([id, r]) =>
      (
        r.Properties!.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }
      ).Statement.map((s) => ({ id, ...s })),
    );
    for (const s of all) {
      for (const a of Array.isArray(s.Action) ? s.Action : [s.Action]) expect(a).not.toContain('*');
    }
    const starResources = all.filter(
      (s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')),
    );
    expect(starResources).toHaveLength(1);
    expect(starResources[0]!.id).toMatch(/^HooklineJobStateMachineRole/);
    expect(actionsOf([starResources[0]! as never])).toEqual([
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
    ]);
  });
});

describe('alarms', () => {
  const alarms = () => ofType(t, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties!);

  it('failed executions of the job state machine', () => {
    expect(alarms()).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: smId } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
  });

  it.each(Object.keys(fnId))('errors of the %s function', (name) => {
    expect(alarms()).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId[name as keyof typeof fnId] } }],
        Statistic: 'Sum',
        Threshold: 1,
      }),
    );
  });

  it('messages in the fire dead-letter queue', () => {
    expect(alarms()).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
      }),
    );
  });

  it('have no actions unless an alarm topic is given', () => {
    for (const a of alarms()) expect(a.AlarmActions).toBeUndefined();
  });
});

describe('outputs', () => {
  it('API URL, bus name, table name (and the secret, state machine, DLQ)', () => {
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] } });
    template.hasOutput('EventBusName', { Value: { Ref: busId } });
    template.hasOutput('TableName', { Value: { Ref: tableId } });
    template.hasOutput('RootCredentialsSecretArn', { Value: { Ref: secretId } });
    template.hasOutput('StateMachineArn', { Value: { Ref: smId } });
    template.hasOutput('FireDeadLetterQueueUrl', { Value: { Ref: queueId } });
  });
});

/**
 * The AWS SDK commands the cloud code sends (functions/**, without the local adapters), read
 * from the source: `new XCommand(` with X imported from an @aws-sdk package.
 */
function sdkCommandsInFunctions(): Array<{ file: string; pkg: string; command: string }> {
  const files = fs
    .readdirSync(path.join(PROJECT_ROOT, 'functions'), { recursive: true, encoding: 'utf8' })
    .filter(
      (f) =>
        f.endsWith('.ts') &&
        !f.startsWith(path.join('adapters', 'local')) &&
        // Export/import of a data directory (`hookline data`, infra/local/dataCommand.ts): offline, never
        // in a deployed function.
        f !== path.join('adapters', 'aws', 'dynamoArchive.ts'),
    );
  const out: Array<{ file: string; pkg: string; command: string }> = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'functions', file), 'utf8');
    const importedFrom = new Map<string, string>();
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
      for (const name of m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!)) {
        if (name) importedFrom.set(name, m[2]!);
      }
    }
    // Clients a rare path loads on demand: `const { XCommand } = await import('@aws-sdk/…')`, or
    // `const sdk = await import('@aws-sdk/…')` and `new sdk.XCommand(`.
    for (const m of text.matchAll(/const\s*\{([^}]*)\}\s*=\s*await\s+import\(\s*'(@aws-sdk\/[^']+)'\s*\)/g)) {
      for (const name of m[1]!.split(',').map((n) => n.trim().split(/\s*:\s*/)[0]!)) {
        if (name) importedFrom.set(name, m[2]!);
      }
    }
    const namespaces = new Map<string, string>();
    for (const m of text.matchAll(/const\s+(\w+)\s*=\s*await\s+import\(\s*'(@aws-sdk\/[^']+)'\s*\)/g))
      namespaces.set(m[1]!, m[2]!);
    for (const m of text.matchAll(/new\s+(?:(\w+)\.)?([A-Z][A-Za-z0-9]*Command)\s*\(/g)) {
      const pkg = m[1] ? namespaces.get(m[1]) : importedFrom.get(m[2]!);
      if (pkg) out.push({ file, pkg, command: m[2]!.replace(/Command$/, '') });
    }
  }
  return out;
}

/** The IAM action an SDK command needs. */
function iamActionFor(pkg: string, command: string): string {
  const documentClient: Record<string, string> = {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
    TransactGet: 'TransactGetItems',
    TransactWrite: 'TransactWriteItems',
  };
  const prefix: Record<string, string> = {
    '@aws-sdk/client-dynamodb': 'dynamodb',
    '@aws-sdk/lib-dynamodb': 'dynamodb',
    '@aws-sdk/client-eventbridge': 'events',
    '@aws-sdk/client-scheduler': 'scheduler',
    '@aws-sdk/client-sfn': 'states',
    '@aws-sdk/client-lambda': 'lambda',
    '@aws-sdk/client-secrets-manager': 'secretsmanager',
  };
  if (!prefix[pkg]) throw new Error(`no IAM mapping for ${pkg} (add it here and grant it in the construct)`);
  if (pkg === '@aws-sdk/lib-dynamodb') return `dynamodb:${documentClient[command] ?? command}`;
  // InvokeWithResponseStream is authorized by lambda:InvokeFunction, as Invoke is.
  if (pkg === '@aws-sdk/client-lambda' && (command === 'Invoke' || command === 'InvokeWithResponseStream'))
    return 'lambda:InvokeFunction';
  return `${prefix[pkg]}:${command}`;
}

describe('the cloud code and its permissions', () => {
  it('every AWS SDK command functions/ sends is allowed to at least one function', () => {
    const used = sdkCommandsInFunctions();
    expect(used.length).toBeGreaterThan(0);
    const granted = new Set(
      Object.values(fnId).flatMap((id) => actionsOf(statementsOfRole(t, roleOfFunction(t, id)))),
    );
    const missing = used
      .map((u) => ({ ...u, action: iamActionFor(u.pkg, u.command) }))
      .filter((u) => !granted.has(u.action))
      .map((u) => `${u.action} (functions/${u.file})`);
    expect(missing).toEqual([]);
  });
});

describe('queue sweep', () => {
  it('invokes the fire function once a minute with the sweep action, through the scheduler role, in the group', () => {
    const schedules = Object.values(R).filter(
      (r) =>
        r.Type === 'AWS::Scheduler::Schedule' &&
        JSON.parse((r.Properties!.Target as { Input: string }).Input).action === 'sweep-queues',
    );
    expect(schedules).toHaveLength(1);
    const p = schedules[0]!.Properties!;
    expect(p.ScheduleExpression).toBe('rate(1 minute)');
    expect(p.GroupName).toBe(R[groupId]!.Properties!.Name);
    const target = p.Target as { Arn: unknown; RoleArn: unknown; Input: string };
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fnId.fire, 'Arn'] });
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] });
    expect(JSON.parse(target.Input)).toEqual({ action: 'sweep-queues' });
  });
});

describe('run sweep', () => {
  it('invokes the finish function every five minutes with the sweep action, through the scheduler role, in the group', () => {
    const schedules = Object.values(R).filter(
      (r) =>
        r.Type === 'AWS::Scheduler::Schedule' &&
        JSON.parse((r.Properties!.Target as { Input: string }).Input).action === 'sweep-runs',
    );
    expect(schedules).toHaveLength(1);
    const p = schedules[0]!.Properties!;
    expect(p.ScheduleExpression).toBe('rate(5 minutes)');
    expect(p.GroupName).toBe(R[groupId]!.Properties!.Name);
    const target = p.Target as { Arn: unknown; RoleArn: unknown; Input: string };
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fnId.finish, 'Arn'] });
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] });
    expect(JSON.parse(target.Input)).toEqual({ action: 'sweep-runs' });
  });
});

describe('engine errors', () => {
  const namespace = `Hookline/${smName}`;

  it("are counted from the step and finish functions' logs, never from users' failing steps", () => {
    const filters = ofType(t, 'AWS::Logs::MetricFilter').map(([, r]) => r.Properties!);
    const logGroupOf = (id: string) => (R[id]!.Properties!.LoggingConfig as { LogGroup: unknown }).LogGroup;
    expect(filters.map((f) => f.LogGroupName)).toEqual(
      expect.arrayContaining([logGroupOf(fnId.step), logGroupOf(fnId.finish)]),
    );
    for (const f of filters) {
      expect(f.FilterPattern).toBe(`{ $.message = "${ENGINE_ERROR_MESSAGE}" }`);
      expect(f.MetricTransformations).toEqual([
        { MetricNamespace: namespace, MetricName: 'EngineErrors', MetricValue: '1' },
      ]);
    }
  });

  it('alarm on the engine error metric (the StepFunctionErrors alarm counts engine errors only)', () => {
    const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties!);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: namespace,
        MetricName: 'EngineErrors',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
  });
});

describe('bindings: one rule, whatever the number of bindings', () => {
  it('one rule on the Hookline bus sends every event, whole, to the fire function (the binding router)', () => {
    expect(ofType(t, 'AWS::Events::Rule').map(([id]) => id)).toEqual([bindingsRuleId]);
    const p = R[bindingsRuleId]!.Properties!;
    expect(p.EventBusName).toEqual({ Ref: busId });
    expect(p.EventPattern).toEqual({ source: [{ prefix: '' }] });
    expect(p.State).toBe('ENABLED');
    const targets = p.Targets as Array<Record<string, unknown>>;
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [fnId.fire, 'Arn'] });
    expect(targets[0]!.Input ?? targets[0]!.InputTransformer ?? targets[0]!.InputPath).toBeUndefined();
  });

  it('the api function can no longer make rules: the bindings need none', () => {
    const actions = actionsOf(statementsOfRole(t, roleOfFunction(t, fnId.api)));
    expect(actions.filter((a) => a.startsWith('events:') && a !== 'events:PutEvents')).toEqual([]);
  });

  it('forwardAwsServiceEvents adds one rule on the default bus, AWS sources only, into the Hookline bus', () => {
    for (const [forward, sources] of [
      [true, [{ prefix: 'aws.' }]],
      [
        ['aws.s3', 'aws.ecs'],
        ['aws.s3', 'aws.ecs'],
      ],
    ] as const) {
      const other = synthHookline({ hookline: { forwardAwsServiceEvents: forward } });
      try {
        const rules = ofType(other.templateJson, 'AWS::Events::Rule');
        expect(rules).toHaveLength(2);
        const forwarding = rules.find(([id]) => id.startsWith('HooklineAwsServiceEventsRule'))![1]
          .Properties!;
        expect(forwarding.EventBusName).toBeUndefined(); // the account's default bus
        expect(forwarding.EventPattern).toEqual({ source: sources });
        const targets = forwarding.Targets as Array<{ Arn: unknown }>;
        const otherBus = logicalIdOf(other.templateJson, 'AWS::Events::EventBus', 'HooklineBus');
        expect(targets.map((x) => x.Arn)).toEqual([{ 'Fn::GetAtt': [otherBus, 'Arn'] }]);
      } finally {
        other.cleanup();
      }
    }
    expect(() => synthHookline({ hookline: { forwardAwsServiceEvents: ['shop'] } })).toThrow(
      /each beginning "aws\."/,
    );
  });
});

describe('trigger repair', () => {
  it('invokes the api function every five minutes with the repair action, through the scheduler role', () => {
    const repair = Object.values(R).filter(
      (r) =>
        r.Type === 'AWS::Scheduler::Schedule' &&
        (r.Properties!.Target as { Input: string }).Input.includes('repair-triggers'),
    );
    expect(repair).toHaveLength(1);
    const p = repair[0]!.Properties!;
    expect(p.ScheduleExpression).toBe('rate(5 minutes)');
    const target = p.Target as { Arn: unknown; RoleArn: unknown; Input: string };
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [fnId.api, 'Arn'] });
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] });
    expect(JSON.parse(target.Input)).toEqual({ action: 'repair-triggers' });
    const invokes = statementsOfRole(t, schedulerRoleId)
      .filter((st) => actionsOf([st]).includes('lambda:InvokeFunction'))
      .flatMap((st) => flat(st.Resource).split(' | '));
    expect(invokes.sort()).toEqual(
      [`<${fnId.api}.Arn>`, `<${fnId.fire}.Arn>`, `<${fnId.finish}.Arn>`].sort(),
    );
  });
});
