import { describe, expect, it } from 'vitest';
import {
  checkStorable,
  cutMessage,
  jsonBytes,
  jsonDepth,
  MAX_FIRE_ERROR_LENGTH,
  MAX_STORED_DEPTH,
} from '../../../functions/app/storageLimits.ts';
import { HooklineError } from '../../../functions/core/errors.ts';

/** Nested `levels` deep: `{"a":{"a":…}}`. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('what the store can hold', () => {
  it('measures nesting: a scalar is 0, {} and [] are 1, {"a": []} is 2; any depth without recursion', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth([])).toBe(1);
    expect(jsonDepth({ a: [] })).toBe(2);
    expect(jsonDepth(nested(100_000))).toBe(100_000);
  });

  it('measures bytes as JSON (UTF-8)', () => {
    expect(jsonBytes({ a: 'é' })).toBe(Buffer.byteLength('{"a":"é"}'));
    expect(jsonBytes(undefined)).toBe(0);
  });

  it('accepts what fits and refuses with a 400 naming the limit and where the depth is', () => {
    expect(() => checkStorable('the payload', nested(MAX_STORED_DEPTH), 1024)).not.toThrow();
    const deep = (() => {
      try {
        checkStorable('the payload', nested(MAX_STORED_DEPTH + 1), 1024 * 1024);
      } catch (error) {
        return error;
      }
    })();
    expect(deep).toBeInstanceOf(HooklineError);
    expect(deep).toMatchObject({ statusCode: 400 });
    expect((deep as Error).message).toContain(`nested ${MAX_STORED_DEPTH + 1} levels deep`);
    expect((deep as Error).message).toContain('at a.a.a');
    expect(() => checkStorable('the payload', { s: 'x'.repeat(100) }, 50)).toThrow(
      /the payload is \d+ bytes as JSON; at most 50 can be stored/,
    );
  });

  it('cuts a fire error message to its limit', () => {
    expect(cutMessage('short')).toBe('short');
    const cut = cutMessage('x'.repeat(MAX_FIRE_ERROR_LENGTH * 2));
    expect(cut.length).toBeLessThanOrEqual(MAX_FIRE_ERROR_LENGTH);
    expect(cut.endsWith(`… (${MAX_FIRE_ERROR_LENGTH * 2} characters, cut)`)).toBe(true);
  });
});
