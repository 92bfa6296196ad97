/**
 * The job state machine as deployed: the definition CloudFormation will create (the staged
 * DefinitionBody asset with the template's DefinitionSubstitutions applied) equals
 * statemachines/job.asl.json with the same substitutions, passes asl-validator, and fits the
 * functions it invokes. One synth for the file.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_MACHINE_DEFINITION_FILE } from '../../infra/bundlingOptions.ts';
import { logicalIdOf, synthHookline } from './synth.ts';

type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: Array<{ message: string }>; errorsText: (separator?: string) => string };
// asl-validator is CommonJS without type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const synth = synthHookline();
afterAll(() => synth.cleanup());
const t = synth.templateJson;
const smId = logicalIdOf(t, 'AWS::StepFunctions::StateMachine', 'HooklineJobStateMachine');
const sm = t.Resources[smId]!.Properties!;
const stepId = logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineStepFunction');
const finishId = logicalIdOf(t, 'AWS::Lambda::Function', 'HooklineFinishFunction');

/** A CloudFormation value for a substitution, as the deployed string (GetAtt Arn of a function → its ARN). */
function deployedValue(value: unknown): string {
  const [id, attribute] = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [];
  if (attribute !== 'Arn') throw new Error(`unexpected substitution value ${JSON.stringify(value)}`);
  return `arn:aws:lambda:eu-west-1:123456789012:function:${id}`;
}

/** What CloudFormation does with DefinitionSubstitutions: replace each ${key} in the text. */
function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The file asset the template's DefinitionS3Location points at, from the cloud assembly. */
function stagedDefinition(): string {
  const location = sm.DefinitionS3Location as { Key: string };
  const hash = location.Key.replace(/\.json$/, '');
  const manifest = JSON.parse(
    fs.readFileSync(path.join(synth.outdir, `${synth.stack.artifactId}.assets.json`), 'utf8'),
  );
  const source = manifest.files[hash].source as { path: string; packaging: string };
  expect(source.packaging).toBe('file');
  return fs.readFileSync(path.join(synth.outdir, source.path), 'utf8');
}

const substitutions = Object.fromEntries(
  Object.entries(sm.DefinitionSubstitutions as Record<string, unknown>).map(([k, v]) => [
    k,
    deployedValue(v),
  ]),
);
const sourceText = fs.readFileSync(STATE_MACHINE_DEFINITION_FILE, 'utf8');
const deployed = JSON.parse(substitute(stagedDefinition(), substitutions)) as Definition;

interface State {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  TimeoutSeconds?: number;
  ItemProcessor?: { States: Record<string, State> };
  Iterator?: { States: Record<string, State> };
  Branches?: Array<{ States: Record<string, State> }>;
  [k: string]: unknown;
}
interface Definition {
  States: Record<string, State>;
  QueryLanguage?: string;
  [k: string]: unknown;
}

function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, s]) => [
    [name, s] as [string, State],
    ...allStates(s.ItemProcessor?.States ?? s.Iterator?.States ?? {}),
    ...(s.Branches ?? []).flatMap((b) => allStates(b.States)),
  ]);
}

describe('job state machine definition', () => {
  it('substitutes exactly the placeholders statemachines/job.asl.json uses', () => {
    const placeholders = [
      ...new Set([...sourceText.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1])),
    ].sort();
    expect(placeholders).toEqual(['FinishFunctionArn', 'StepFunctionArn']);
    expect(Object.keys(substitutions).sort()).toEqual(placeholders);
  });

  it('StepFunctionArn is the step function and FinishFunctionArn the finish function', () => {
    expect(sm.DefinitionSubstitutions).toEqual({
      StepFunctionArn: { 'Fn::GetAtt': [stepId, 'Arn'] },
      FinishFunctionArn: { 'Fn::GetAtt': [finishId, 'Arn'] },
    });
  });

  it('as deployed, equals statemachines/job.asl.json with the same substitutions (they cannot drift)', () => {
    const expected = JSON.parse(substitute(sourceText, substitutions));
    expect(deployed).toEqual(expected);
    expect(JSON.stringify(deployed)).not.toContain('${');
    // The staged asset is the file itself, byte for byte.
    expect(stagedDefinition()).toBe(sourceText);
  });

  it('passes asl-validator (schema, transitions, paths, ARNs)', () => {
    const result = aslValidator(structuredClone(deployed), { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('each Task invokes the function its contract names', () => {
    const invoked = Object.fromEntries(
      allStates(deployed.States)
        .filter(([, s]) => s.Type === 'Task')
        .map(([name, s]) => [name, [s.Resource, s.Parameters?.FunctionName]]),
    );
    const lambdaInvoke = 'arn:aws:states:::lambda:invoke';
    expect(invoked).toEqual({
      Begin: [lambdaInvoke, substitutions.StepFunctionArn],
      RunPreHook: [lambdaInvoke, substitutions.StepFunctionArn],
      RunTask: [lambdaInvoke, substitutions.StepFunctionArn],
      RunPostHook: [lambdaInvoke, substitutions.StepFunctionArn],
      RunNotify: [lambdaInvoke, substitutions.StepFunctionArn],
      RecordPreHookEngineError: [lambdaInvoke, substitutions.StepFunctionArn],
      RecordTaskEngineError: [lambdaInvoke, substitutions.StepFunctionArn],
      RecordPostHookEngineError: [lambdaInvoke, substitutions.StepFunctionArn],
      RecordNotifyEngineError: [lambdaInvoke, substitutions.StepFunctionArn],
      Finish: [lambdaInvoke, substitutions.FinishFunctionArn],
    });
  });

  it('is JSONPath only, and every Task waits at least as long as the function it invokes may run', () => {
    const text = JSON.stringify(deployed);
    expect(deployed.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toContain('JSONata');
    expect(text).not.toMatch(/"Assign"|\$\$\.Task\.Token|\$\$\.State\./);
    const timeoutOf = (id: string) => t.Resources[id]!.Properties!.Timeout as number;
    for (const [name, s] of allStates(deployed.States).filter(([, st]) => st.Type === 'Task')) {
      expect(s.TimeoutSeconds, name).toEqual(expect.any(Number));
      if (name.startsWith('Run')) expect(s.TimeoutSeconds!, name).toBeGreaterThan(timeoutOf(stepId));
      if (name === 'Finish') expect(s.TimeoutSeconds!, name).toBeGreaterThan(timeoutOf(finishId));
    }
  });
});
