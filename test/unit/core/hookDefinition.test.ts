import { describe, expect, it } from 'vitest';
import {
  completeDefinition,
  hookDefinitionInputSchema,
  sameDefinition,
} from '../../../functions/core/hookDefinition.ts';
import { describeIssues } from '../../../functions/core/validation.ts';

const metadata = { name: 'n', description: 'd', owner: 'o@example.com' };
const parse = (body: unknown) => {
  const result = hookDefinitionInputSchema.safeParse(body);
  return result.success
    ? { ok: true as const, data: result.data }
    : { ok: false as const, message: describeIssues(result.error.issues) };
};

describe('hook definition validation', () => {
  it('applies the defaults', () => {
    const r = parse({ metadata, task: {} });
    expect(r.ok).toBe(true);
    const def = completeDefinition('g', 'h', r.ok ? r.data : (undefined as never));
    expect(def).toEqual({
      hookGroupId: 'g',
      hookId: 'h',
      metadata: { ...metadata, emailOnError: true },
      task: {},
      schedule: [],
      bindings: [],
      triggerSchema: { type: 'object', additionalProperties: false },
      scheduleTimezone: 'UTC',
      catchUp: 'latest',
    });
  });

  it.each([
    [{ metadata, task: {}, extra: 1 }, 'unknown field(s) "extra"'],
    [{ metadata: { ...metadata, owner: 'nobody' }, task: {} }, 'metadata.owner'],
    [{ metadata: { ...metadata, name: 'x'.repeat(256) }, task: {} }, 'metadata.name'],
    [{ metadata }, 'task'],
    [{ metadata, task: [] }, 'task'],
    [{ metadata, task: {}, schedule: ['every day'] }, 'invalid schedule "every day"'],
    [{ metadata, task: {}, schedule: ['0 0 31 2 * *'] }, 'schedule.0'],
    [{ metadata, task: {}, bindings: [{ source: 'x' }] }, 'invalid event pattern'],
    [{ metadata, task: {}, triggerSchema: { type: 'nope' } }, 'triggerSchema is not a valid JSON Schema'],
    [{ metadata, task: {}, scheduleTimezone: 'Mars/Olympus' }, 'scheduleTimezone'],
    [{ metadata, task: {}, catchUp: 'some' }, 'catchUp'],
    [{ metadata, task: {}, concurrency: { limit: 0 } }, 'concurrency.limit'],
  ])('refuses %j naming %s', (body, expected) => {
    const r = parse(body);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(expected);
  });

  it('normalises Taskcluster 6-field schedules', () => {
    const r = parse({ metadata, task: {}, schedule: ['0 15 * * * *'] });
    expect(r.ok && r.data.schedule).toEqual(['15 * * * *']);
  });

  it('keeps the stored triggerSchema and config when an update omits them', () => {
    const first = completeDefinition(
      'g',
      'h',
      parse({ metadata, task: {}, triggerSchema: { type: 'object' }, config: { a: 1 } }).data!,
    );
    const second = completeDefinition('g', 'h', parse({ metadata, task: { x: 1 } }).data!, first);
    expect(second.triggerSchema).toEqual({ type: 'object' });
    expect(second.config).toEqual({ a: 1 });
  });

  it('compares definitions regardless of key order', () => {
    const a = completeDefinition('g', 'h', parse({ metadata, task: { a: 1, b: 2 } }).data!);
    const b = completeDefinition('g', 'h', parse({ task: { b: 2, a: 1 }, metadata }).data!);
    expect(sameDefinition(a, b)).toBe(true);
    const c = completeDefinition('g', 'h', parse({ metadata, task: { a: 2, b: 2 } }).data!);
    expect(sameDefinition(a, c)).toBe(false);
  });
});
