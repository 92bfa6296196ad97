// biome-ignore-all lint/suspicious/noTemplateCurlyInString: JSON-e templates and their messages spell ${…} literally
import jsone from 'json-e';
import { describe, expect, it } from 'vitest';
import { describeTemplateError } from '../../../functions/core/templateErrors.ts';

/** What went wrong in a JSON-e template, with its path (functions/core/templateErrors.ts). */
function problemOf(template: unknown, context: Record<string, unknown> = {}, root?: string) {
  try {
    jsone(template as Record<string, unknown>, context);
  } catch (error) {
    return describeTemplateError(template, error, root);
  }
  throw new Error('the template rendered');
}

describe('describeTemplateError', () => {
  it('a value missing from the context is located, and depends on the input', () => {
    const problem = problemOf(
      { tasks: [{ name: 't', command: ['echo', { $eval: 'payload.x' }] }] },
      { payload: {} },
    );
    expect(problem).toEqual({
      path: 'task.tasks[0].command[1]',
      message: 'object has no property "x"',
      holdsForAnyInput: false,
    });
  });

  it('a shell ${VAR} in a string gets the hint to escape it', () => {
    const problem = problemOf({ task: { name: 't', command: 'echo ${HOME}' } });
    expect(problem.path).toBe('task.task.command');
    expect(problem.message).toBe(
      'unknown context value HOME (JSON-e interpolates ${…} in strings: for a shell variable write $HOME or $${HOME})',
    );
  });

  it('a syntax error holds for any input', () => {
    const problem = problemOf({ task: { name: 't', command: { $eval: '1 +* 2' } } });
    expect(problem.holdsForAnyInput).toBe(true);
    expect(problem.path).toMatch(/^task\.task\.command/);
  });

  it('an expression JSON-e cannot parse at all is found by trying each one, with its path', () => {
    const unfinishedString = { tasks: [{ name: 'ok' }, { name: 'x', command: ['echo', '${1 +'] }] };
    expect(describeTemplateError(unfinishedString, new TypeError('x is undefined'))).toEqual({
      path: 'task.tasks[1].command[1]',
      message: 'the string "${1 +" has an unfinished or invalid ${…} expression',
      holdsForAnyInput: true,
    });
    const unfinishedEval = { task: { name: 't', command: { $eval: 'a +' } } };
    expect(describeTemplateError(unfinishedEval, new TypeError('boom'), 'events.run')).toEqual({
      path: 'events.run.task.command.$eval',
      message: 'the expression "a +" cannot be parsed (incomplete or invalid syntax)',
      holdsForAnyInput: true,
    });
    const badCondition = { $switch: { 'x ==': 1, true: 2 } };
    expect(describeTemplateError(badCondition, new TypeError('boom')).path).toBe('task.$switch["x =="]');
  });

  it('when nothing can be located it says so at the root', () => {
    expect(describeTemplateError({ task: 'fine' }, new TypeError('boom'))).toEqual({
      path: 'task',
      message: 'an expression of the template cannot be parsed (incomplete or invalid syntax)',
      holdsForAnyInput: true,
    });
  });
});
