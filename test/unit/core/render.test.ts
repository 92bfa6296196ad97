import { describe, expect, it } from 'vitest';
import { HooklineError } from '../../../functions/core/errors.ts';
import type { HookDefinition } from '../../../functions/core/hookDefinition.ts';
import { buildRenderContext, renderJob } from '../../../functions/core/render.ts';

const hook: HookDefinition = {
  hookGroupId: 'g',
  hookId: 'h',
  metadata: { name: 'n', description: 'd', owner: 'o@example.com', emailOnError: true },
  task: {},
  schedule: [],
  bindings: [],
  triggerSchema: { type: 'object' },
  scheduleTimezone: 'UTC',
  catchUp: 'latest',
  config: { level: 3 },
};
const now = new Date('2026-11-22T10:00:00.000Z');

describe('buildRenderContext', () => {
  it('gives each firing path exactly its DESIGN §3.2 context', () => {
    const base = { runId: 'RUN', now, hook };
    const keys = (firedBy: Parameters<typeof buildRenderContext>[0]['firedBy'], extra = {}) =>
      Object.keys(
        buildRenderContext({
          ...base,
          firedBy,
          payload: { a: 1 },
          clientId: 'c',
          event: { id: 'e' },
          ...extra,
        }),
      ).sort();
    expect(keys('schedule')).toEqual(['config', 'firedBy', 'hook', 'now', 'runId', 'taskId']);
    expect(keys('triggerHook')).toEqual([
      'clientId',
      'config',
      'firedBy',
      'hook',
      'now',
      'payload',
      'runId',
      'taskId',
    ]);
    expect(keys('triggerHookWithToken')).toEqual([
      'config',
      'firedBy',
      'hook',
      'now',
      'payload',
      'runId',
      'taskId',
    ]);
    expect(keys('event')).toEqual([
      'config',
      'event',
      'firedBy',
      'hook',
      'now',
      'payload',
      'runId',
      'taskId',
    ]);
  });

  it('uses the run id as task id and the given time as now', () => {
    const context = buildRenderContext({ firedBy: 'schedule', runId: 'RUN', now, hook });
    expect(context).toMatchObject({
      runId: 'RUN',
      taskId: 'RUN',
      now: '2026-11-22T10:00:00.000Z',
      config: { level: 3 },
    });
    expect(context.hook).toEqual({ hookGroupId: 'g', hookId: 'h', metadata: hook.metadata });
  });
});

describe('renderJob', () => {
  const context = { payload: { who: 'x', go: true }, runId: 'R' };

  it('renders a template into a valid job', () => {
    const outcome = renderJob({ task: { name: 't', command: ['echo', { $eval: 'payload.who' }] } }, context);
    expect(outcome).toEqual({ kind: 'job', job: { task: { name: 't', command: ['echo', 'x'] } } });
  });

  it('declines when the template renders null', () => {
    expect(
      renderJob({ $if: 'payload.go == false', then: { task: { name: 't', command: 'true' } } }, context),
    ).toEqual({ kind: 'declined' });
  });

  it('names the render error', () => {
    try {
      renderJob({ task: { name: 't', command: { $eval: 'payload.missing.deeper' } } }, context);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HooklineError);
      expect((error as HooklineError).code).toBe('InputError');
      expect((error as HooklineError).message).toBe(
        'task template failed to render at task.task.command: object has no property "missing"',
      );
      expect((error as HooklineError).details).toMatchObject({ path: 'task.task.command' });
    }
  });

  it('names the place of an expression JSON-e cannot parse, without its internals', () => {
    const failure = (template: unknown) => {
      try {
        renderJob(template, context);
      } catch (error) {
        return { message: (error as HooklineError).message, path: (error as HooklineError).details?.path };
      }
      throw new Error('rendered');
    };
    // json-e itself throws "TypeError: Cannot read properties of null (reading 'kind')" for these
    const unfinished = failure({ task: { name: 't', command: ['echo', { $eval: 'payload.a +' }] } });
    expect(unfinished).toEqual({
      message:
        'task template failed to render at task.task.command[1].$eval: the expression "payload.a +" cannot be parsed (incomplete or invalid syntax)',
      path: 'task.task.command[1].$eval',
    });
    expect(unfinished.message).not.toMatch(/TypeError|kind/);
    const interpolation = failure({ tasks: [{ name: 't', command: 'echo ${1 +' }] });
    expect(interpolation.path).toBe('task.tasks[0].command');
    expect(interpolation.message).toMatch(/unfinished or invalid \$\{…\} expression/);
  });

  it('says how to write a shell variable in a string command', () => {
    const shellVariable = ['$', '{REPO}'].join('');
    expect(() => renderJob({ task: { name: 't', command: `echo ${shellVariable}` } }, context)).toThrow(
      `task template failed to render at task.task.command: unknown context value REPO (JSON-e interpolates $\{…} in strings: for a shell variable write $REPO or $${shellVariable})`,
    );
  });

  it('gives the path in the job of what is invalid', () => {
    const pathOf = (template: unknown) => {
      try {
        renderJob(template, context);
      } catch (error) {
        return (error as HooklineError).details?.path;
      }
    };
    expect(pathOf({ tasks: [{ name: 't', comand: 'x' }] })).toBe('tasks[0].comand');
    expect(pathOf({ task: { name: 't', command: 'x', timeoutSeconds: 5000 } })).toBe('task.timeoutSeconds');
  });

  it('names the invalid part of a rendered job', () => {
    expect(() => renderJob({ task: { name: 't' } }, context)).toThrow(
      /exactly one of command, http, lambda, event/,
    );
    expect(() => renderJob({ task: { name: 't', command: 'x', colour: 1 } }, context)).toThrow(
      /task\.task: unknown field\(s\) "colour"/,
    );
    expect(() => renderJob({ task: { name: 't', command: 'x' }, tasks: [] }, context)).toThrow(
      /task or tasks, not both/,
    );
    expect(() => renderJob({}, context)).toThrow(/at least one step/);
    expect(() => renderJob({ task: { name: 't', command: 'x', timeoutSeconds: 901 } }, context)).toThrow(
      /timeoutSeconds/,
    );
    expect(() => renderJob({ task: { name: 't', http: { url: 'ftp://x' } } }, context)).toThrow(/url/);
  });
});
