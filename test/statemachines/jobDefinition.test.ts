import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { JOB_DEFINITION_PATH, loadJobDefinition } from '../../functions/adapters/local/localExecutions.ts';

/**
 * statemachines/job.asl.json: valid ASL, and nothing the local engine silently ignores
 * (aws-local-stepfunctions runs JSONPath ASL only), so local and cloud behave the same.
 */
type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  ItemProcessor?: { States: Record<string, State> };
  Iterator?: { States: Record<string, State> };
  Branches?: Array<{ States: Record<string, State> }>;
  MaxConcurrency?: number;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
  Next?: string;
  End?: boolean;
  Error?: string;
}

function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...allStates(state.ItemProcessor?.States ?? state.Iterator?.States ?? {}),
    ...(state.Branches ?? []).flatMap((b) => allStates(b.States)),
  ]);
}

/** What the local engine ignores or lacks: JSONata, Assign variables, task tokens, $$.State. */
function forbiddenFeatures(text: string): string[] {
  const found: string[] = [];
  if (/"QueryLanguage"\s*:\s*"JSONata"/.test(text) || /\{%/.test(text)) found.push('JSONata');
  if (/"Assign"\s*:/.test(text)) found.push('Assign');
  if (/\$\$\.Task\.Token/.test(text)) found.push('$$.Task.Token');
  if (/\$\$\.State\./.test(text)) found.push('$$.State.*');
  if (/"Output"\s*:|"Arguments"\s*:/.test(text)) found.push('JSONata Output/Arguments');
  return found;
}

const text = readFileSync(JOB_DEFINITION_PATH, 'utf8');
const definition = loadJobDefinition() as { StartAt: string; States: Record<string, State> };

describe('statemachines/job.asl.json', () => {
  it('passes asl-validator', () => {
    const result = aslValidator(definition, { checkPaths: true, checkArn: true });
    expect(result.isValid, result.errorsText('\n')).toBe(true);
  });

  it('uses nothing the local engine silently ignores', () => {
    expect(forbiddenFeatures(text)).toEqual([]);
  });

  it('the lint catches each forbidden feature', () => {
    expect(forbiddenFeatures('{"QueryLanguage": "JSONata"}')).toContain('JSONata');
    expect(forbiddenFeatures('{"Assign": {"x": 1}}')).toContain('Assign');
    expect(forbiddenFeatures('{"Payload": {"token.$": "$$.Task.Token"}}')).toContain('$$.Task.Token');
    expect(forbiddenFeatures('{"x.$": "$$.State.Name"}')).toContain('$$.State.*');
  });

  it('gives every Task an explicit TimeoutSeconds', () => {
    const tasks = allStates(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(6);
    for (const [name, task] of tasks) expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
  });

  it('models Begin → PreHooks → Tasks → PostHooks → Notify → Finish, each phase one step at a time', () => {
    const s = definition.States;
    expect(definition.StartAt).toBe('Begin');
    expect([s.Begin!.Next, s.PreHooks!.Next, s.Tasks!.Next, s.PostHooks!.Next, s.Notify!.Next]).toEqual([
      'PreHooks',
      'Tasks',
      'PostHooks',
      'Notify',
      'Finish',
    ]);
    for (const phase of ['PreHooks', 'Tasks', 'PostHooks', 'Notify']) {
      expect(s[phase]!.Type).toBe('Map');
      expect(s[phase]!.MaxConcurrency).toBe(1);
    }
  });

  it('turns a critical failure in pre-hooks or tasks into the skip branch, which continues with the post-hooks', () => {
    const s = definition.States;
    for (const phase of ['PreHooks', 'Tasks']) {
      expect(s[phase]!.Catch![0]).toMatchObject({
        ErrorEquals: ['Hookline.CriticalStepFailed'],
        Next: 'SkipAfterCriticalFailure',
      });
    }
    expect(s.SkipAfterCriticalFailure!.Next).toBe('PostHooks');
    for (const phase of ['PreHooks', 'Tasks', 'PostHooks', 'Notify']) {
      expect(s[phase]!.Catch!.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'Finish' });
    }
  });

  it('records any other error in a step on that step, and sends pre-hooks and tasks down the skip branch', () => {
    const phases = [
      ['PreHooks', 'RunPreHook', 'PreHook', true],
      ['Tasks', 'RunTask', 'Task', true],
      ['PostHooks', 'RunPostHook', 'PostHook', false],
      ['Notify', 'RunNotify', 'Notify', false],
    ] as const;
    for (const [phase, run, short, leaves] of phases) {
      const inner = definition.States[phase]!.ItemProcessor!.States;
      const catches = inner[run]!.Catch!;
      expect(catches.at(-1)).toMatchObject({
        ErrorEquals: ['States.ALL'],
        Next: `Record${short}EngineError`,
      });
      expect(inner[`Record${short}EngineError`]).toMatchObject({ Type: 'Task', End: true });
      // transient errors are retried first (the runner is idempotent per run and step)
      expect(inner[run]!.Retry![0]!.ErrorEquals).toEqual(
        expect.arrayContaining(['Lambda.TooManyRequestsException', 'Lambda.ServiceException']),
      );
      if (leaves) {
        expect(catches[0]).toMatchObject({
          ErrorEquals: ['Hookline.CriticalStepFailed'],
          Next: `${short}FailedCritically`,
        });
        expect(inner[`${short}FailedCritically`]).toMatchObject({
          Type: 'Fail',
          Error: 'Hookline.CriticalStepFailed',
        });
      } else {
        expect(catches).toHaveLength(1);
      }
    }
  });

  it('retries Finish on any error (a run whose Finish still fails is left to the run sweeper)', () => {
    expect(definition.States.Finish!.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }),
    ]);
  });

  it('keeps state names unique (local handlers are keyed by state name)', () => {
    const names = allStates(definition.States).map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });
});
