import { describe, expect, it } from 'vitest';
import { NUMERIC_LIMIT, parseMatchValue } from '../../../../functions/core/eventPattern/operators.ts';
import type { ValueTest } from '../../../../functions/core/eventPattern/jsonValues.ts';

/** The match values of event patterns (functions/core/eventPattern/operators.ts), as EventBridge validates them. */
const test = (value: unknown) => parseMatchValue(value, 'detail.x') as ValueTest;
const refusal = (value: unknown) => {
  try {
    parseMatchValue(value, 'detail.x');
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('parseMatchValue', () => {
  it('a scalar matches exactly; an IP address string matches the same address in any spelling', () => {
    expect(test('a')('a')).toBe(true);
    expect(test('a')('A')).toBe(false);
    expect(test(5)(5)).toBe(true);
    expect(test(5)('5')).toBe(false);
    expect(test(null)(null)).toBe(true);
    expect(test(true)(true)).toBe(true);
    expect(test('::ffff:a00:1')('10.0.0.1')).toBe(true);
    expect(test('2001:db8::1')('2001:0db8:0:0:0:0:0:1')).toBe(true);
  });

  it('prefix and suffix, plain or ignoring case', () => {
    expect(test({ prefix: 'ord' })('order')).toBe(true);
    expect(test({ prefix: 'ord' })(1)).toBe(false);
    expect(test({ suffix: 'er' })('order')).toBe(true);
    expect(test({ prefix: { 'equals-ignore-case': 'ORD' } })('order')).toBe(true);
    expect(test({ suffix: { 'equals-ignore-case': 'ER' } })('ordER')).toBe(true);
    expect(test({ 'equals-ignore-case': 'Shop' })('sHOP')).toBe(true);
    expect(test({ wildcard: 'o*r' })('order')).toBe(true);
  });

  it('anything-but: a value, a list of one type, or a string operator; other types pass a string list', () => {
    expect(test({ 'anything-but': 'x' })('y')).toBe(true);
    expect(test({ 'anything-but': 'x' })('x')).toBe(false);
    expect(test({ 'anything-but': 3 })(3)).toBe(false);
    expect(test({ 'anything-but': ['a', 'b'] })('b')).toBe(false);
    expect(test({ 'anything-but': ['a', 'b'] })(1)).toBe(true);
    expect(test({ 'anything-but': { prefix: 'test-' } })('test-1')).toBe(false);
    expect(test({ 'anything-but': { prefix: 'test-' } })(7)).toBe(true);
    expect(test({ 'anything-but': { suffix: ['.tmp', '.bak'] } })('a.bak')).toBe(false);
    expect(test({ 'anything-but': { 'equals-ignore-case': 'NO' } })('no')).toBe(false);
    expect(test({ 'anything-but': { wildcard: '*.log' } })('a.log')).toBe(false);
    expect(test({ 'anything-but': { wildcard: '*.log' } })('a.txt')).toBe(true);
  });

  it('numeric: equality, one-sided and closed ranges, bounds open or closed, numbers only', () => {
    expect(test({ numeric: ['=', 5] })(5)).toBe(true);
    expect(test({ numeric: ['<', 5] })(5)).toBe(false);
    expect(test({ numeric: ['<=', 5] })(5)).toBe(true);
    const range = test({ numeric: ['>', 0, '<=', 10] });
    expect([0, 0.5, 10, 10.5].map(range)).toEqual([false, true, true, false]);
    expect(test({ numeric: ['>=', 0] })(0)).toBe(true);
    expect(test({ numeric: ['>=', 0] })('1')).toBe(false);
  });

  it('exists and cidr', () => {
    expect(parseMatchValue({ exists: true }, 'x')).toEqual({ exists: true });
    expect(parseMatchValue({ exists: false }, 'x')).toEqual({ exists: false });
    expect(test({ cidr: '10.0.0.0/8' })('10.1.2.3')).toBe(true);
  });

  it('refuses what EventBridge refuses, naming the path and the reason', () => {
    expect(refusal([1])).toBe(
      'detail.x: match value must be a string, number, true, false, null or a match expression, not an array',
    );
    expect(refusal(Number.NaN)).toMatch(/not number/);
    expect(refusal({})).toBe('detail.x: a match expression must have exactly one operator, found 0');
    expect(refusal({ prefix: 'a', suffix: 'b' })).toMatch(/exactly one operator, found 2/);
    expect(refusal({ regex: '.*' })).toBe('detail.x: unrecognized match type "regex"');
    expect(refusal({ prefix: 1 })).toBe('detail.x: "prefix" must be a string');
    expect(refusal({ prefix: { wildcard: 'a' } })).toMatch(/only "equals-ignore-case"/);
    expect(refusal({ exists: 'yes' })).toBe('detail.x: "exists" must be true or false');
    expect(refusal({ 'anything-but': [] })).toMatch(/non-empty and hold only strings or only numbers/);
    expect(refusal({ 'anything-but': ['a', 1] })).toMatch(/only strings or only numbers/);
    expect(refusal({ 'anything-but': { numeric: ['>', 1] } })).toBe(
      'detail.x: unsupported "anything-but" operator "numeric"',
    );
    expect(refusal({ 'anything-but': { prefix: '' } })).toBe(
      'detail.x: "anything-but"."prefix" must not be empty',
    );
    expect(refusal({ 'anything-but': true })).toMatch(/"anything-but" must be a string, a number/);
    expect(refusal({ numeric: 5 })).toBe('detail.x: "numeric" must be an array, not number 5');
    expect(refusal({ numeric: ['!=', 5] })).toMatch(/must start with one of =, <, <=, >, >=/);
    expect(refusal({ numeric: ['>', 'a'] })).toMatch(/value after ">" must be a number, not string "a"/);
    expect(refusal({ numeric: ['=', 5, '<', 6] })).toBe('detail.x: "numeric" has too many elements');
    expect(refusal({ numeric: ['>', 5, '>', 6] })).toMatch(/range must close with "<" or "<="/);
    expect(refusal({ numeric: ['>', 5, '<', 5] })).toMatch(/lower bound 5 must be less than upper bound 5/);
    expect(refusal({ numeric: ['>', NUMERIC_LIMIT + 1] })).toMatch(/values must be between -5e9 and 5e9/);
    expect(refusal({ numeric: ['<', -NUMERIC_LIMIT] })).toBe('accepted');
    expect(refusal({ 'anything-but': 6e9 })).toMatch(/"anything-but" values must be between/);
    expect(refusal({ cidr: 5 })).toBe('detail.x: "cidr" must be a string');
  });
});
