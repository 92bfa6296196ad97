/**
 * Synthesizes the Hookline stack in-process for the infra tests: one synth per test file,
 * bundling skipped (`aws:cdk:bundling-stacks: []`), output in a temp dir removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import cdkNag from 'cdk-nag';
import type { HooklineProps } from '../../infra/hooklineConstruct.ts';
import { HooklineStack } from '../../infra/hooklineStack.ts';

export interface SynthOptions {
  /** Extra CDK context, e.g. `{ workflowType: 'EXPRESS' }` (as `-c` would give). */
  readonly context?: Record<string, unknown>;
  readonly hookline?: HooklineProps;
  /** Add cdk-nag's AwsSolutions checks before synthesizing. */
  readonly nag?: boolean;
  readonly env?: { account?: string; region?: string };
  /**
   * Run aws-cdk-lib's built-in CloudFormation template validation (writes
   * validation-report.json). Off: it costs ~5-10 s per synth, and `npm run synth` runs it.
   */
  readonly cfnValidation?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: HooklineStack;
  readonly outdir: string;
  readonly assembly: CloudAssembly;
  readonly templateJson: TemplateJson;
  readonly template: Template;
  /** Removes the output directory. */
  cleanup(): void;
}

export interface TemplateJson {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface Built {
  readonly app: App;
  readonly stack: HooklineStack;
  readonly outdir: string;
  /** Removes the output directory. */
  cleanup(): void;
}

/** Builds the app and stack without synthesizing (for `Annotations.fromStack`, which synthesizes). */
export function buildHookline(options: SynthOptions = {}): Built {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-cdk-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: options.cfnValidation ?? false,
    context: { 'aws:cdk:bundling-stacks': [], ...options.context },
  });
  const stack = new HooklineStack(app, 'Hookline', {
    env: options.env,
    hookline: options.hookline,
  });
  if (options.nag) Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, outdir, cleanup: () => fs.rmSync(outdir, { recursive: true, force: true }) };
}

export function synthHookline(options: SynthOptions = {}): Synthesized {
  const { app, stack, outdir, cleanup } = buildHookline(options);
  const assembly = app.synth();
  const templateJson = assembly.getStackArtifact(stack.artifactId).template as TemplateJson;
  return {
    app,
    stack,
    outdir,
    assembly,
    templateJson,
    template: Template.fromJSON(templateJson),
    cleanup,
  };
}

/** The one resource of a type whose logical id starts with the given prefix. */
export function logicalIdOf(templateJson: TemplateJson, type: string, prefix: string): string {
  const ids = Object.entries(templateJson.Resources)
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The role logical id a Lambda function runs as. */
export function roleOfFunction(templateJson: TemplateJson, functionId: string): string {
  const role = templateJson.Resources[functionId]?.Properties?.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** Every statement of every AWS::IAM::Policy attached to a role (the roles here have no inline policies). */
export function statementsOfRole(templateJson: TemplateJson, roleId: string): Statement[] {
  const role = templateJson.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  if (role.Properties?.Policies || role.Properties?.ManagedPolicyArns) {
    throw new Error(`${roleId} has inline or managed policies; statementsOfRole does not read them`);
  }
  return Object.values(templateJson.Resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        ((r.Properties?.Roles ?? []) as unknown[]).some(
          (x) => JSON.stringify(x) === JSON.stringify({ Ref: roleId }),
        ),
    )
    .flatMap((r) => (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

export function actionsOf(statements: Statement[]): string[] {
  return [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
}

/** Renders a CloudFormation value as a readable string (Ref → <Id>, GetAtt → <Id.Attr>, Join joined). */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flat).join(' | ');
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.Ref !== undefined) return `<${String(v.Ref)}>`;
    if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(sep);
    }
    if (v['Fn::Sub'] !== undefined) return flat(v['Fn::Sub']);
  }
  return JSON.stringify(value);
}
