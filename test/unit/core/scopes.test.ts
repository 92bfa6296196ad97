import { describe, expect, it } from 'vitest';
import {
  missingScopes,
  normalizeScopes,
  satisfies,
  satisfiesAll,
  scopeMatches,
} from '../../../functions/core/scopes.ts';

/** Taskcluster's scope rules: a string; a trailing `*` matches any suffix; `*` matches everything. */

describe('satisfies', () => {
  it('matches equal scopes', () => {
    expect(satisfies(['hooks:get:g:h'], 'hooks:get:g:h')).toBe(true);
    expect(satisfies(['hooks:get:g:h'], 'hooks:get:g:h2')).toBe(false);
    expect(satisfies(['hooks:get:g:h2'], 'hooks:get:g:h')).toBe(false);
  });

  it('lets a trailing * match any suffix, including none', () => {
    expect(satisfies(['hooks:get:g:*'], 'hooks:get:g:h')).toBe(true);
    expect(satisfies(['hooks:get:g:*'], 'hooks:get:g:')).toBe(true);
    expect(satisfies(['hooks:get:g*'], 'hooks:get:gg:h')).toBe(true);
    expect(satisfies(['hooks:get:g:*'], 'hooks:get:h:x')).toBe(false);
    expect(satisfies(['hooks:get:g:*'], 'hooks:get:g')).toBe(false);
  });

  it('lets * match everything, and the empty set match nothing', () => {
    expect(satisfies(['*'], 'anything:at:all')).toBe(true);
    expect(satisfies(['*'], '')).toBe(true);
    expect(satisfies([], 'hooks:get:g:h')).toBe(false);
    expect(satisfies([''], 'x')).toBe(false);
  });

  it('treats a * that is not last as an ordinary character', () => {
    expect(satisfies(['hooks:*:g'], 'hooks:get:g')).toBe(false);
    expect(satisfies(['hooks:*:g'], 'hooks:*:g')).toBe(true);
  });

  it('matches a required scope ending in * only by a held scope that covers it', () => {
    expect(satisfies(['hooks:get:*'], 'hooks:get:g:*')).toBe(true);
    expect(satisfies(['hooks:get:g:h'], 'hooks:get:g:*')).toBe(false);
    expect(satisfies(['hooks:get:g:*'], 'hooks:get:g:*')).toBe(true);
  });

  it('is case-sensitive', () => {
    expect(satisfies(['Hooks:get:*'], 'hooks:get:g:h')).toBe(false);
  });

  it('scopeMatches is the one-scope form', () => {
    expect(scopeMatches('a*', 'abc')).toBe(true);
    expect(scopeMatches('abc', 'a*')).toBe(false);
  });
});

describe('sets of scopes', () => {
  it('satisfiesAll and missingScopes', () => {
    const held = ['hooks:get:*', 'hooks:trigger-hook:g/h'];
    expect(satisfiesAll(held, ['hooks:get:a:b', 'hooks:trigger-hook:g/h'])).toBe(true);
    expect(satisfiesAll(held, ['hooks:get:a:b', 'hooks:trigger-hook:g/i'])).toBe(false);
    expect(satisfiesAll(held, [])).toBe(true);
    expect(missingScopes(held, ['hooks:trigger-hook:g/i', 'hooks:get:x', 'x', 'x'])).toEqual([
      'hooks:trigger-hook:g/i',
      'x',
    ]);
  });

  it('normalizeScopes drops duplicates and scopes another one already covers', () => {
    expect(normalizeScopes(['b', 'a:*', 'a:b', 'a:b*', 'b'])).toEqual(['a:*', 'b']);
    expect(normalizeScopes(['*', 'x'])).toEqual(['*']);
  });
});
