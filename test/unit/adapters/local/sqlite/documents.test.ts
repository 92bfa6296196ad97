import { describe, expect, it } from 'vitest';
import {
  conditionalUpdate,
  fromDocument,
  isUniquenessViolation,
  pageOf,
  sameValue,
  toDocument,
} from '../../../../../functions/adapters/local/sqlite/documents.ts';

/** Records as JSON documents with DynamoDB's rules (functions/adapters/local/sqlite/documents.ts). */
describe('documents', () => {
  it('an undefined field is not stored, null is', () => {
    expect(fromDocument(toDocument({ a: undefined, b: null, c: [1] }))).toEqual({ b: null, c: [1] });
  });

  it('a conditional update sets, removes, and requires each field as DynamoDB does', () => {
    const doc = { status: 'running', n: 1, gone: 'x', nothing: null };
    expect(conditionalUpdate(doc, { status: 'finished', gone: undefined }, { status: 'running' })).toEqual({
      status: 'finished',
      n: 1,
      nothing: null,
    });
    expect(conditionalUpdate(doc, { n: 2 }, { status: 'pending' })).toBeUndefined();
    // `undefined`/`null` expected: the field must be absent; a field stored as null exists.
    expect(conditionalUpdate(doc, { n: 2 }, { missing: undefined })).toMatchObject({ n: 2 });
    expect(conditionalUpdate(doc, { n: 2 }, { nothing: null })).toBeUndefined();
    expect(conditionalUpdate(doc, { n: 2 }, { absent: 'value' })).toBeUndefined();
    expect(conditionalUpdate(doc, { n: 2 }, undefined)).toMatchObject({ n: 2 });
    expect(doc.n).toBe(1);
  });

  it('sameValue is DynamoDB’s =: lists in order, maps in any order, types strict', () => {
    expect(sameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue(1, '1')).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(sameValue(null, {})).toBe(false);
  });

  it('a page of limit rows from limit + 1 says whether more exist', () => {
    expect(pageOf([1, 2, 3], 2)).toEqual({ rows: [1, 2], more: true });
    expect(pageOf([1, 2], 2)).toEqual({ rows: [1, 2], more: false });
  });

  it('recognises a primary key or unique violation and nothing else', () => {
    expect(isUniquenessViolation({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })).toBe(true);
    expect(isUniquenessViolation({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(true);
    expect(isUniquenessViolation({ code: 'SQLITE_BUSY' })).toBe(false);
    expect(isUniquenessViolation(undefined)).toBe(false);
  });
});
