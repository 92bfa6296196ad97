import { describe, expect, it } from 'vitest';
import { definitionChanges, desiredDefinition, hookTypeUnchanged } from '../../cli/hookDiff.ts';

/** What `hookline apply` counts as a change (cli/hookDiff.ts). */
const stored = {
  hookGroupId: 'g',
  hookId: 'h',
  metadata: { name: 'n', description: 'd', owner: 'o@example.com', emailOnError: true },
  task: { task: { name: 't', command: ['true'] } },
  schedule: [],
  bindings: [],
  triggerSchema: { type: 'object', additionalProperties: false },
  scheduleTimezone: 'UTC',
  catchUp: 'latest',
};
const file = {
  hookGroupId: 'g',
  hookId: 'h',
  metadata: { name: 'n', description: 'd', owner: 'o@example.com' },
  task: { task: { name: 't', command: ['true'] } },
};

describe('definitionChanges', () => {
  it('a file that leaves the defaults out equals the stored hook', () => {
    expect(definitionChanges(desiredDefinition(file), stored)).toEqual([]);
  });

  it('a field the file drops goes back to its default; key order does not matter', () => {
    const withSchedule = {
      ...stored,
      schedule: ['0 2 * * *'],
      task: { task: { command: ['true'], name: 't' } },
    };
    expect(definitionChanges(desiredDefinition(file), withSchedule)).toEqual([
      { field: 'schedule', from: ['0 2 * * *'], to: [] },
    ]);
  });

  it('config: only the keys the file gives, unless nothing but the file adds keys', () => {
    const typed = { ...stored, hookType: 'counter', config: { count: 7, step: 1 } };
    expect(
      definitionChanges(desiredDefinition({ ...file, hookType: 'counter', config: { step: 1 } }), typed),
    ).toEqual([]);
    expect(
      definitionChanges(desiredDefinition({ ...file, hookType: 'counter', config: { step: 2 } }), typed),
    ).toEqual([{ field: 'config.step', from: 1, to: 2 }]);
    expect(
      definitionChanges(desiredDefinition({ ...file, config: { a: 1 } }), {
        ...stored,
        config: { a: 1, b: 2 },
      }),
    ).toEqual([{ field: 'config.b', from: 2, to: undefined }]);
    expect(definitionChanges(desiredDefinition(file), { ...stored, config: { a: 1 } })).toEqual([]);
  });
});

describe('hookTypeUnchanged', () => {
  const type = {
    description: 'd',
    configuration: { n: { default: 0 } },
    events: { run: { task: { name: 'x', command: ['true'] } } },
  };
  const storedType = {
    name: 'c',
    description: 'd',
    configuration: { n: { default: 0, required: false } },
    events: type.events,
  };
  it('compares what the file gives, and the sets of keys and events', () => {
    expect(hookTypeUnchanged(type, storedType)).toBe(true);
    expect(hookTypeUnchanged({ ...type, configuration: {} }, storedType)).toBe(false);
    expect(hookTypeUnchanged({ ...type, configuration: { n: { default: 1 } } }, storedType)).toBe(false);
  });
});
