/**
 * The app's one stack: the `Hookline` construct plus its outputs. Settings come from the
 * props or, for the CLI, from CDK context (`-c workflowType=EXPRESS`, see hooklinePropsFromContext).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct, Node } from 'constructs';
import { Hookline, type HooklineProps, type WorkflowType } from './hooklineConstruct.ts';

export interface HooklineStackProps extends StackProps {
  readonly hookline?: HooklineProps;
}

/**
 * Construct props from CDK context (cdk.json or `-c key=value`):
 * - `workflowType`: `STANDARD` (default) or `EXPRESS`
 * - `invokableFunctionArns`: the functions `lambda` steps may invoke, a JSON array or a
 *   comma-separated list; empty string = none (default: `function:hookline-*` in the account)
 * - `throttlingRateLimit`, `throttlingBurstLimit`: numbers
 * - `hookTypesDir`: a `--hook-types` directory packaged into the command runner (`-c hookTypesDir=hook-types`)
 */
export function hooklinePropsFromContext(node: Node): HooklineProps {
  const props: { -readonly [K in keyof HooklineProps]: HooklineProps[K] } = {};
  const workflowType = node.tryGetContext('workflowType');
  if (workflowType !== undefined) {
    const value = String(workflowType).toUpperCase();
    if (value !== 'STANDARD' && value !== 'EXPRESS') {
      throw new Error(`context workflowType must be STANDARD or EXPRESS, got ${String(workflowType)}`);
    }
    props.workflowType = value as WorkflowType;
  }
  const invokable = node.tryGetContext('invokableFunctionArns');
  if (invokable !== undefined) {
    props.invokableFunctionArns = parseList(invokable, 'invokableFunctionArns');
  }
  for (const key of ['throttlingRateLimit', 'throttlingBurstLimit'] as const) {
    const raw = node.tryGetContext(key);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`context ${key} must be a non-negative number`);
    props[key] = n;
  }
  const hookTypesDir = node.tryGetContext('hookTypesDir');
  if (hookTypesDir !== undefined) props.hookTypesDir = String(hookTypesDir);
  return props;
}

function parseList(raw: unknown, name: string): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  const text = String(raw).trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`context ${name} must be a list`);
    return parsed.map(String);
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export class HooklineStack extends Stack {
  readonly hookline: Hookline;

  constructor(scope: Construct, id: string, props: HooklineStackProps = {}) {
    super(scope, id, {
      description: 'Hookline: hooks that fire jobs of pre-hooks, tasks and post-hooks',
      ...props,
    });
    this.hookline = new Hookline(this, 'Hookline', {
      ...hooklinePropsFromContext(this.node),
      ...props.hookline,
    });
    this.hookline.addOutputs(this);
  }
}
