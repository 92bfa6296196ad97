import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../functions/core/canonicalJson.ts';
import { payloadFingerprint } from '../../../functions/core/payloadFingerprint.ts';

describe('canonicalJson', () => {
  it('is the same whatever the order of object keys, at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe(
      canonicalJson({ a: { c: 'x', d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('keeps the order of arrays and tells values apart', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });

  it('leaves undefined members out and writes undefined as null, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes what JSON.stringify writes, keys sorted: toJSON honoured, functions left out', () => {
    const value = {
      when: new Date('2030-01-01T00:00:00Z'),
      f: () => 1,
      list: [{ b: 2, a: 1 }],
      n: null,
      s: 'é',
    };
    expect(canonicalJson(value)).toBe(
      JSON.stringify({
        f: undefined,
        list: [{ a: 1, b: 2 }],
        n: null,
        s: 'é',
        when: '2030-01-01T00:00:00.000Z',
      }),
    );
  });

  it('is JSON that parses back to the value', () => {
    const value = { s: 'quote " and \\u2028', n: -1.5e-7, t: true, nested: [{ k: [] }, {}] };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

describe('payloadFingerprint', () => {
  it('is the same for the same payload with keys in another order, and differs for another payload', () => {
    expect(payloadFingerprint({ a: 1, b: [1, 2] })).toBe(payloadFingerprint({ b: [1, 2], a: 1 }));
    expect(payloadFingerprint({ a: 1 })).not.toBe(payloadFingerprint({ a: 2 }));
    expect(payloadFingerprint(undefined)).toBe(payloadFingerprint(null));
    expect(payloadFingerprint({})).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
