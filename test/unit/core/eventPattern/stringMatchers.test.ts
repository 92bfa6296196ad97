import { describe, expect, it } from 'vitest';
import {
  ignoreCaseMatcher,
  wildcardMatcher,
} from '../../../../functions/core/eventPattern/stringMatchers.ts';

/** `equals-ignore-case` and `wildcard` (functions/core/eventPattern/stringMatchers.ts), linear in the event's string. */
describe('ignoreCaseMatcher', () => {
  it('matches ASCII whole, as a prefix or as a suffix, in any case', () => {
    expect(ignoreCaseMatcher('Order', 'whole')('oRDER')).toBe(true);
    expect(ignoreCaseMatcher('Order', 'whole')('orders')).toBe(false);
    expect(ignoreCaseMatcher('ord', 'prefix')('ORDER')).toBe(true);
    expect(ignoreCaseMatcher('ord', 'prefix')('or')).toBe(false);
    expect(ignoreCaseMatcher('DER', 'suffix')('order')).toBe(true);
    expect(ignoreCaseMatcher('DER', 'suffix')('orders')).toBe(false);
  });

  it('matches non-ASCII text by each character’s own cases, regex characters taken literally', () => {
    expect(ignoreCaseMatcher('Ärger', 'whole')('äRGER')).toBe(true);
    expect(ignoreCaseMatcher('Ärger', 'whole')('aRGER')).toBe(false);
    expect(ignoreCaseMatcher('é.*', 'whole')('É.*')).toBe(true);
    expect(ignoreCaseMatcher('é.*', 'whole')('éxx')).toBe(false);
    expect(ignoreCaseMatcher('straße', 'suffix')('Hauptstraße')).toBe(true);
  });
});

describe('wildcardMatcher', () => {
  it('matches a glob: first segment a prefix, last a suffix, the middle in order', () => {
    const m = wildcardMatcher('arn:*:orders/*/item', '"wildcard"', 'resources');
    expect(m('arn:aws:orders/42/item')).toBe(true);
    expect(m('arn::orders//item')).toBe(true);
    expect(m('arn:aws:orders/42/items')).toBe(false);
    expect(wildcardMatcher('a*b*c', 'w', 'x')('abc')).toBe(true);
    expect(wildcardMatcher('a*b*c', 'w', 'x')('acb')).toBe(false);
    expect(wildcardMatcher('ab*ba', 'w', 'x')('aba')).toBe(false);
    expect(wildcardMatcher('plain', 'w', 'x')('plain')).toBe(true);
    expect(wildcardMatcher('*', 'w', 'x')('')).toBe(true);
  });

  it('takes \\* as a star and \\\\ as a backslash', () => {
    expect(wildcardMatcher('a\\*b', 'w', 'x')('a*b')).toBe(true);
    expect(wildcardMatcher('a\\*b', 'w', 'x')('axb')).toBe(false);
    expect(wildcardMatcher('a\\\\*', 'w', 'x')('a\\zzz')).toBe(true);
  });

  it('refuses consecutive wildcards and other escapes, naming the place', () => {
    expect(() => wildcardMatcher('a**b', '"wildcard"', 'detail.x')).toThrow(
      'detail.x: "wildcard" has consecutive wildcard characters at 1',
    );
    expect(() => wildcardMatcher('a\\nb', '"wildcard"', 'detail.x')).toThrow(
      'detail.x: "wildcard" has an invalid escape at 1 (only \\* and \\\\ are allowed)',
    );
  });

  it('stays linear on a string built to make a backtracking matcher explode', () => {
    const m = wildcardMatcher(`${'a*'.repeat(20)}b`, 'w', 'x');
    expect(m('a'.repeat(100_000))).toBe(false);
  });
});
