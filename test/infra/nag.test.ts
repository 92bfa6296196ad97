/**
 * cdk-nag AwsSolutions: no unacknowledged error or warning, for the default stack and for a
 * variant (Express, tracing, concrete environment); every acknowledgment is for a finding that
 * really occurs, on the construct it concerns, with a reason.
 *
 * cdk-nag 3 is a CDK validation plugin: findings no longer arrive as Annotations but in the
 * cloud assembly's validation-report.json, and suppressions are `Validations.acknowledge`
 * (NagSuppressions was removed). So the report is asserted, and Annotations are asserted too
 * (no CDK errors or warnings of any kind).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { type Built, buildHookline } from './synth.ts';

interface Report {
  pluginReports: Array<{
    pluginName: string;
    violations: Array<{
      ruleName: string;
      severity: string;
      violatingConstructs?: Array<{ constructPath: string }>;
    }>;
  }>;
}

/** Synthesizes once through Annotations.fromStack (which forces a synth) and reads the report it wrote. */
function synthWithNag(built: Built) {
  const annotations = Annotations.fromStack(built.stack);
  const report = JSON.parse(
    fs.readFileSync(path.join(built.outdir, 'validation-report.json'), 'utf8'),
  ) as Report;
  return { annotations, report };
}

/** Every acknowledgment in the tree: `constructPath → {ruleId: reason}`. */
function acknowledgments(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const out: Array<{ path: string; id: string; reason: string }> = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}

/** What AwsSolutions finds when acknowledgments are ignored: `ruleId → construct paths`. */
function rawFindings(app: App): Map<string, string[]> {
  const pack = new cdkNag.AwsSolutionsChecks(undefined, { verbose: false });
  // isAcknowledged is private to NagPack; turning it off shows every finding.
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  const result = pack.validateScope(app);
  return new Map(
    result.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath ?? '?')]),
  );
}

function expectClean(annotations: Annotations, report: Report) {
  const nag = report.pluginReports.filter((p) => p.pluginName === 'AwsSolutions');
  const open = nag.flatMap((p) =>
    p.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingConstructs?.map((c) => c.constructPath)}`,
    ),
  );
  expect(open).toEqual([]);
  // Nothing else failed either (another plugin, or CDK's own annotations).
  expect(report.pluginReports.flatMap((p) => p.violations)).toEqual([]);
  expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
}

const nagContext = { '@aws-cdk/core:failSynthOnValidationErrors': false };

describe('cdk-nag AwsSolutions, default stack', () => {
  const built = buildHookline({ nag: true, context: nagContext });
  afterAll(() => built.cleanup());
  const { annotations, report } = synthWithNag(built);

  it('has zero unacknowledged errors and warnings', () => {
    expectClean(annotations, report);
  });

  it('acknowledges exactly the findings that occur, each where it occurs, each with a reason', () => {
    const acks = acknowledgments(built.app);
    const raw = rawFindings(built.app);
    // Every finding is acknowledged on the finding's construct or one of its ancestors...
    for (const [ruleId, paths] of raw) {
      for (const p of paths) {
        const ack = acks.find((a) => a.id === ruleId && (p === a.path || p.startsWith(`${a.path}/`)));
        expect(ack, `${ruleId} at ${p}`).toBeDefined();
      }
    }
    // ...and every acknowledgment matches a finding (no stale or blanket ones).
    for (const a of acks) {
      const paths = raw.get(a.id) ?? [];
      expect(
        paths.some((p) => p === a.path || p.startsWith(`${a.path}/`)),
        `${a.id} at ${a.path}`,
      ).toBe(true);
      expect(a.reason.length, a.id).toBeGreaterThan(40);
    }
    // The acknowledged rules, for the record (a new kind of finding must be looked at, not waved through).
    expect([...new Set(acks.map((a) => a.id.replace(/\[.*$/, '')))].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SF2',
      'AwsSolutions-SMG4',
    ]);
    // No acknowledgment at the stack or construct root: each is on a specific resource's construct.
    for (const a of acks) expect(a.path.split('/').length, a.path).toBeGreaterThan(2);
  });

  it('the IAM5 wildcards acknowledged are exactly the run-time-named resources', () => {
    const iam5 = acknowledgments(built.app)
      .filter((a) => a.id.startsWith('AwsSolutions-IAM5'))
      .map((a) => `${a.path.split('/').slice(2).join('/')}: ${a.id.slice('AwsSolutions-IAM5'.length)}`)
      .sort();
    expect(iam5).toEqual([
      expect.stringMatching(
        /^ApiFunctionRole: \[Resource::<HooklineArtifactBucket[0-9A-F]+\.Arn>\/runs\/\*\]$/,
      ),
      expect.stringMatching(
        /^ApiFunctionRole: \[Resource::arn:<AWS::Partition>:scheduler:.*:schedule\/.+\/\*\]$/,
      ),
      expect.stringMatching(
        /^FinishFunctionRole: \[Resource::arn:<AWS::Partition>:states:.*:execution:.+-job:\*\]$/,
      ),
      'JobStateMachine/Role: [Resource::*]',
      expect.stringMatching(
        /^StepFunctionRole: \[Resource::<HooklineArtifactBucket[0-9A-F]+\.Arn>\/runs\/\*\]$/,
      ),
      expect.stringMatching(
        /^StepFunctionRole: \[Resource::arn:<AWS::Partition>:lambda:.*:function:hookline-\*\]$/,
      ),
    ]);
  });
});

describe('cdk-nag AwsSolutions, Express + tracing + concrete environment', () => {
  const built = buildHookline({
    nag: true,
    env: { account: '123456789012', region: 'eu-west-1' },
    context: { ...nagContext, workflowType: 'EXPRESS' },
    hookline: { tracing: true },
  });
  afterAll(() => built.cleanup());
  const { annotations, report } = synthWithNag(built);

  it('has zero unacknowledged errors and warnings', () => {
    expectClean(annotations, report);
  });
});
