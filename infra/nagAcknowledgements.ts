import type { Stack } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Hookline } from './hooklineConstruct.ts';

/**
 * The cdk-nag AwsSolutions findings that remain by design, each acknowledged on the
 * construct it concerns, for the one finding id it raises, with the reason. (cdk-nag v3
 * reads CDK's `Validations.acknowledge`; v2's NagSuppressions no longer exists.) The
 * construct itself does not depend on cdk-nag: only the finding ids are named here.
 */
export function acknowledgeNagFindings(
  hookline: Hookline,
  stack: Stack,
  ctx: {
    /** The functions `lambda` steps may invoke (infra/hookline/functions.ts). */
    invokable: readonly string[];
    tracing: boolean;
    /** The job state machine's executions (infra/hookline/jobStateMachine.ts). */
    executionArns: string;
    /** The schedule group's schedules (infra/hookline/scheduler.ts). */
    scheduleArns: string;
    /** The artifact bucket's run objects (infra/hookline/artifactBucket.ts). */
    artifactObjects: string;
  },
): void {
  const { api, fire, step, finish, commandRunner } = hookline.functions;
  const wildcard = (owner: IConstruct, resource: string, reason: string) =>
    acknowledge(owner, `AwsSolutions-IAM5[Resource::${flattenForNag(stack.resolve(resource))}]`, reason);

  for (const fn of [api, fire, step, finish, commandRunner]) {
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime Hookline targets and tests (package.json engines, bundles built for node22); ' +
        'moving to a newer Lambda runtime is a deliberate, tested upgrade, not something to drift into.',
    );
    if (ctx.tracing) {
      wildcard(
        fn.role!,
        '*',
        'xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions (AWS requires "*").',
      );
    }
  }

  // api: the wildcards are all scoped to resources this construct owns.
  wildcard(
    api.role!,
    ctx.scheduleArns,
    'Schedules are created at run time, one per hook schedule; the wildcard covers only schedules in the ' +
      'Hookline schedule group.',
  );

  // finish: the run sweeper describes the executions of this state machine, named after their runs.
  wildcard(
    finish.role!,
    ctx.executionArns,
    'Executions are named after runs at run time; the wildcard covers only executions of the Hookline job ' +
      'state machine, for DescribeExecution (the run sweeper, functions/app/sweepRuns.ts).',
  );

  // step and api: the artifact objects are named after runs at run time.
  for (const fn of [step, api])
    wildcard(
      fn.role!,
      ctx.artifactObjects,
      'Artifact objects are named after runs at run time; the wildcard covers only the runs/ objects of the ' +
        'Hookline artifact bucket, for one action (step: PutObject to sign uploads; api: GetObject to sign downloads).',
    );
  acknowledge(
    hookline.artifactBucket,
    'AwsSolutions-S1',
    'Every artifact upload and download is signed by a Hookline function for one run, recorded in its logs with ' +
      'the run (and, for downloads, the client); server access logs would need a second bucket kept as long.',
  );

  // step: the functions `lambda` steps may call (the construct prop / context invokableFunctionArns).
  for (const arn of ctx.invokable) {
    if (!arn.includes('*')) continue;
    wildcard(
      step.role!,
      arn,
      'lambda steps invoke functions named in hook definitions at run time; the default pattern allows only ' +
        'functions named hookline-* in this account and region (narrow or widen it with invokableFunctionArns).',
    );
  }

  // The state machine: CloudWatch Logs vended delivery (and X-Ray) APIs do not support resource-level permissions.
  wildcard(
    hookline.stateMachine.role,
    '*',
    'Step Functions log delivery needs logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, ' +
      'DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies and DescribeLogGroups, ' +
      'which have no resource-level permissions (AWS requires "*"; the policy CDK generates for logging).',
  );
  if (!ctx.tracing) {
    acknowledge(
      hookline.stateMachine,
      'AwsSolutions-SF2',
      'X-Ray tracing is off by default to keep idle cost and IAM minimal; every run and step is recorded in ' +
        'DynamoDB and logged (level ALL). Turn it on with the construct prop tracing: true.',
    );
  }

  acknowledge(
    hookline.rootCredentials,
    'AwsSolutions-SMG4',
    'The secret holds the root client credentials people use to bootstrap Hookline; rotating them ' +
      'automatically would lock those people out. Rotate by hand (put-secret-value, then reset the root client).',
  );

  const route = hookline.httpApi.node.tryFindChild('DefaultRoute') ?? hookline.httpApi;
  acknowledge(
    route,
    'AwsSolutions-APIG4',
    'Hookline authenticates every request itself, as Taskcluster does: Hawk-signed client credentials with ' +
      'scopes, or a per-hook secret trigger token in the path. An API Gateway authorizer cannot verify either ' +
      'without a second copy of that logic; /ping and 401/403 responses are part of the API contract.',
  );
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * A resolved CloudFormation value as cdk-nag names it in a finding id: `Ref` → `<Id>`,
 * `Fn::GetAtt` → `<Id.Attr>`, `Fn::Join` joined, `${X}` in strings → `<X>` (the same
 * flattening as cdk-nag's flattenCfnReference, which it does not export).
 */
export function flattenForNag(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flattenForNag).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return flattenForNag(node['Fn::Sub']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenForNag(resource)}.${flattenForNag(attribute)}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return flattenForNag(node['Fn::ImportValue']);
    if (node.Ref !== undefined) return `<${flattenForNag(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
