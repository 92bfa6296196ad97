import { describe, expect, it } from 'vitest';
import { compileEventPattern } from '../../../functions/core/eventPattern/match.ts';
import { hookTypeSchema } from '../../../functions/core/hookType.ts';
import { compileLinearRegExp, NonLinearRegExpError } from '../../../functions/core/linearRegExp.ts';
import { compileTriggerSchema, validatePayload } from '../../../functions/core/triggerSchema.ts';

/**
 * User regexes run in linear time (issue 16). The evil inputs below take a backtracking engine hours
 * (2^n steps for n = 40 and more), so with JavaScript's engine these tests would not finish; they
 * assert the answers only.
 */
const evil = (n: number) => `${'a'.repeat(n)}!`;

describe('compileLinearRegExp', () => {
  it('answers catastrophic patterns correctly', () => {
    const nested = compileLinearRegExp('^(a+)+$');
    expect(nested.test(evil(50))).toBe(false);
    expect(nested.test('a'.repeat(50))).toBe(true);
    const alternation = compileLinearRegExp('^(a|a)*$');
    expect(alternation.test(evil(60))).toBe(false);
    expect(compileLinearRegExp('(x+x+)+y').test('x'.repeat(5000))).toBe(false);
  });

  it('searches anywhere unless anchored, as RegExp.prototype.test', () => {
    expect(compileLinearRegExp('b+').test('abbbc')).toBe(true);
    expect(compileLinearRegExp('^b').test('ab')).toBe(false);
    expect(compileLinearRegExp('c$').test('abc\n')).toBe(false);
  });

  it('takes JavaScript spellings: named groups, \\u{…}, \\p{…}', () => {
    expect(compileLinearRegExp('^(?<year>\\d{4})-\\d{2}$').test('2030-01')).toBe(true);
    expect(compileLinearRegExp('^\\u{1F600}$').test('😀')).toBe(true);
    expect(compileLinearRegExp('^\\p{L}+$').test('Grüße')).toBe(true);
  });

  it('refuses what RE2 cannot run, naming the pattern and why', () => {
    const refusals: Array<[string, string]> = [
      ['(a)\\1', 'backreferences'],
      ['(?<x>a)\\k<x>', 'backreferences'],
      ['foo(?=bar)', 'lookarounds'],
      ['foo(?!bar)', 'lookarounds'],
      ['(?<=foo)bar', 'lookarounds'],
      ['(?<!foo)bar', 'lookarounds'],
      ['[a-', 'not a valid regular expression'],
      ['\\q', 'not a valid regular expression'],
      ['a{2,2000}', 'RE2 cannot compile it'],
    ];
    for (const [pattern, reason] of refusals) {
      let thrown: unknown;
      try {
        compileLinearRegExp(pattern);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, pattern).toBeInstanceOf(NonLinearRegExpError);
      expect((thrown as Error).message).toContain(`pattern "${pattern}" is not supported: `);
      expect((thrown as Error).message).toContain(reason);
    }
  });

  it('keys each pattern apart (ajv caches compiled patterns by toString)', () => {
    expect(String(compileLinearRegExp('^a$'))).toBe('/^a$/u');
    expect(String(compileLinearRegExp('^b$'))).toBe('/^b$/u');
  });
});

describe('trigger schemas run their patterns on RE2', () => {
  const schema = {
    type: 'object',
    properties: { name: { type: 'string', pattern: '^(a+)+$' }, tag: { type: 'string', pattern: '^v\\d+$' } },
    patternProperties: { '^(x+x+)+y$': { type: 'number' } },
  };

  it('answers the evil payload with the ordinary 400 message', () => {
    expect(() => validatePayload(schema, { name: evil(40) })).toThrow(
      'payload.name must match pattern "^(a+)+$"',
    );
    expect(validatePayload(schema, { name: 'aaaa', tag: 'v12' })).toEqual({ name: 'aaaa', tag: 'v12' });
    // Every property name is tested against patternProperties: a long evil name matches nothing.
    expect(validatePayload(schema, { [`${'x'.repeat(3000)}`]: 'not checked' })).toBeDefined();
    expect(() => validatePayload(schema, { xxy: 'not a number' })).toThrow('payload.xxy must be number');
  });

  it('keeps two patterns of one schema apart', () => {
    expect(() => validatePayload(schema, { name: 'aa', tag: 'aa' })).toThrow(
      'payload.tag must match pattern',
    );
  });

  it('refuses a schema whose pattern RE2 cannot run, naming the pattern', () => {
    expect(() => compileTriggerSchema({ type: 'string', pattern: '^(a)\\1$' })).toThrow(
      'triggerSchema is not a valid JSON Schema: pattern "^(a)\\1$" is not supported: backreferences',
    );
    expect(() =>
      compileTriggerSchema({ type: 'object', patternProperties: { '^(?!internal)': { type: 'string' } } }),
    ).toThrow('pattern "^(?!internal)" is not supported: lookarounds');
    expect(() =>
      compileTriggerSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        properties: { a: { pattern: '(?<=x)y' } },
      }),
    ).toThrow('pattern "(?<=x)y" is not supported');
  });

  it('refuses such a pattern in a hook type config schema too', () => {
    const parsed = hookTypeSchema.safeParse({
      configuration: { k: { schema: { pattern: '(a)\\1' } } },
      events: { run: { task: {} } },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(
      'schema is not a valid JSON Schema: pattern "(a)\\1" is not supported',
    );
  });
});

describe('event patterns match in linear time', () => {
  it('equals-ignore-case, as a whole, a prefix or a suffix, on long strings', () => {
    const whole = compileEventPattern({ s: [{ 'equals-ignore-case': 'a'.repeat(200) }] });
    const suffix = compileEventPattern({ s: [{ suffix: { 'equals-ignore-case': `${'a'.repeat(200)}b` } }] });
    const prefix = compileEventPattern({ s: [{ prefix: { 'equals-ignore-case': 'aB' } }] });
    const long = 'A'.repeat(200_000);
    expect(whole({ s: long })).toBe(false);
    expect(suffix({ s: long })).toBe(false);
    expect(suffix({ s: `${long}B` })).toBe(true);
    expect(prefix({ s: `Ab${long}` })).toBe(true);
    // Non-ASCII text, whose cases differ in length, runs on RE2.
    const sharpS = compileEventPattern({ s: [{ suffix: { 'equals-ignore-case': 'straße' } }] });
    expect(sharpS({ s: `${long}STRASSE` })).toBe(true);
    expect(sharpS({ s: `${long}straße` })).toBe(true);
    expect(sharpS({ s: `${long}STRASE` })).toBe(false);
    const butNot = compileEventPattern({ s: [{ 'anything-but': { 'equals-ignore-case': ['x', 'Y'] } }] });
    expect(butNot({ s: 'y' })).toBe(false);
    expect(butNot({ s: long })).toBe(true);
  });

  it('wildcard on a long string that almost matches', () => {
    const wildcard = compileEventPattern({ s: [{ wildcard: '*a*a*a*a*a*b' }] });
    expect(wildcard({ s: 'a'.repeat(200_000) })).toBe(false);
    expect(wildcard({ s: `${'a'.repeat(200_000)}b` })).toBe(true);
  });

  it('IP addresses and CIDR blocks on a long run of colons (a quadratic shape test before)', () => {
    const cidr = compileEventPattern({ ip: [{ cidr: '2001:db8::/32' }] });
    const exact = compileEventPattern({ ip: ['::1'] });
    const colons = `${':'.repeat(300_000)}x`;
    expect(cidr({ ip: colons })).toBe(false);
    expect(exact({ ip: colons })).toBe(false);
    expect(cidr({ ip: '2001:0db8:0000::1' })).toBe(true);
    expect(exact({ ip: '0:0:0:0:0:0:0:1' })).toBe(true);
  });
});
