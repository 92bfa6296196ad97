import { describe, expect, it } from 'vitest';
import {
  configChangeProblem,
  type HookType,
  resolveConfig,
  templateForFire,
} from '../../../functions/core/hookType.ts';
import {
  acquireDecision,
  LEASE_MARGIN_SECONDS,
  leaseSeconds,
  liveHolders,
} from '../../../functions/core/semaphore.ts';

describe('semaphore rules', () => {
  it('leases outlive the longest legitimate run', () => {
    expect(leaseSeconds({ timeoutSeconds: 60, task: { name: 't', command: 'x' } })).toBe(
      60 + LEASE_MARGIN_SECONDS,
    );
    expect(
      leaseSeconds({
        tasks: [
          { name: 'a', command: 'x', timeoutSeconds: 10 },
          { name: 'b', command: 'x' },
        ],
      }),
    ).toBe(10 + 1 + 300 + 1 + LEASE_MARGIN_SECONDS);
  });

  it('expired holders free their slots', () => {
    expect(liveHolders({ a: 100, b: 50 }, 60)).toEqual({ a: 100 });
    expect(acquireDecision({ a: 100 }, 1, 'b', 60)).toBe('full');
    expect(acquireDecision({ a: 100 }, 1, 'b', 120)).toBe('acquire');
    expect(acquireDecision({ a: 100 }, 1, 'a', 60)).toBe('already-held');
    expect(acquireDecision({ a: 100 }, 2, 'b', 60)).toBe('acquire');
  });
});

const type: HookType = {
  name: 'backup',
  description: '',
  configuration: {
    target: { description: 'where', required: true, schema: { type: 'string' } },
    keep: { description: 'how many', default: 7, required: false, schema: { type: 'integer', minimum: 1 } },
  },
  events: {
    run: { task: { name: 'r', command: 'x' } },
    'Run Finished': { task: { name: 'f', command: 'y' } },
  },
};

describe('hook type config', () => {
  it('applies defaults and names unknown, missing and invalid keys', () => {
    expect(resolveConfig(type, { target: 's3' })).toEqual({ target: 's3', keep: 7 });
    expect(() => resolveConfig(type, { target: 's3', colour: 1 })).toThrow(
      'config key "colour" is not defined by hook type backup',
    );
    expect(() => resolveConfig(type, {})).toThrow('config key "target" is required by hook type backup');
    expect(() => resolveConfig(type, { target: 's3', keep: 0 })).toThrow(
      'config key "keep" of hook type backup is invalid',
    );
  });

  it('refuses changes to undefined keys, removal of required keys and invalid values', () => {
    expect(configChangeProblem(type, { keep: 3 }, undefined)).toBeUndefined();
    expect(configChangeProblem(type, { other: 3 }, undefined)).toBe(
      'key "other" is not defined by hook type backup',
    );
    expect(configChangeProblem(type, undefined, ['target'])).toBe(
      'key "target" is required by hook type backup and cannot be removed',
    );
    expect(configChangeProblem(type, { keep: 'many' }, undefined)).toContain(
      'config key "keep" of hook type backup is invalid',
    );
  });

  it('picks the template for the event, else run', () => {
    expect(templateForFire(type, 'Run Finished')).toEqual({ task: { name: 'f', command: 'y' } });
    expect(templateForFire(type, 'Step Finished')).toEqual({ task: { name: 'r', command: 'x' } });
    expect(templateForFire(type, undefined)).toEqual({ task: { name: 'r', command: 'x' } });
  });
});
