import { describe, expect, it } from 'vitest';
import {
  describe as describeValue,
  isPlainObject,
  isRecord,
  isScalar,
  joinPath,
} from '../../../../functions/core/eventPattern/jsonValues.ts';

/** JSON values as event patterns see them (functions/core/eventPattern/jsonValues.ts). */
describe('JSON values', () => {
  it('scalars are strings, numbers, booleans and null', () => {
    for (const value of ['s', 0, true, null]) expect(isScalar(value)).toBe(true);
    for (const value of [undefined, {}, [], () => 1]) expect(isScalar(value)).toBe(false);
  });

  it('a record is any non-array object; a plain object also has no class', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord(new Date())).toBe(true);
    expect(isPlainObject(new Date())).toBe(false);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject({ a: 1 })).toBe(true);
  });

  it('paths are dotted', () => {
    expect(joinPath('', 'detail')).toBe('detail');
    expect(joinPath('detail', 'state')).toBe('detail.state');
  });

  it('describes a value for an error message', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue('x')).toBe('string "x"');
    expect(describeValue(3)).toBe('number 3');
    expect(describeValue(false)).toBe('boolean false');
  });
});
