import { describe, expect, it } from 'vitest';
import { HooklineError } from '../../functions/core/errors.ts';
import type { HookDefinition } from '../../functions/core/hookDefinition.ts';
import { buildRenderContext, renderJob } from '../../functions/core/render.ts';

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
      expect((error as HooklineError).message).toMatch(/^task template failed to render: /);
    }
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
