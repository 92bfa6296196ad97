import { describe, expect, it } from 'vitest';
import { compileTriggerSchema, validatePayload } from '../../../functions/core/triggerSchema.ts';

describe('trigger schemas', () => {
  it('applies defaults (Taskcluster documents them but never applies them)', () => {
    const schema = {
      type: 'object',
      properties: { branch: { type: 'string', default: 'main' }, n: { type: 'integer' } },
    };
    expect(validatePayload(schema, { n: 1 })).toEqual({ n: 1, branch: 'main' });
    expect(validatePayload(schema, undefined)).toEqual({ branch: 'main' });
  });

  it('checks formats and says where a payload is wrong', () => {
    const schema = {
      type: 'object',
      properties: {
        mail: { type: 'string', format: 'email' },
        when: { type: 'string', format: 'date-time' },
      },
      additionalProperties: false,
    };
    expect(() => validatePayload(schema, { mail: 'x' })).toThrow('payload.mail must match format "email"');
    expect(() => validatePayload(schema, { when: 'yesterday' })).toThrow(
      'payload.when must match format "date-time"',
    );
    expect(() => validatePayload(schema, { other: 1 })).toThrow(
      'must NOT have additional properties (other)',
    );
  });

  it('speaks draft 2020-12 by default and draft-07 when asked', () => {
    const prefixItems = { type: 'array', prefixItems: [{ type: 'integer' }], items: false };
    expect(() => validatePayload(prefixItems, [1, 2])).toThrow();
    expect(validatePayload(prefixItems, [1])).toEqual([1]);
    const draft07 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'integer' }],
      additionalItems: false,
    };
    expect(() => validatePayload(draft07, [1, 2])).toThrow();
    expect(validatePayload(draft07, [3])).toEqual([3]);
  });

  it('refuses invalid schemas with the reason', () => {
    expect(() => compileTriggerSchema({ type: 'nope' })).toThrow(/triggerSchema is not a valid JSON Schema/);
    expect(() => compileTriggerSchema([])).toThrow('triggerSchema must be a JSON Schema object');
  });

  it("never lets a payload modify the caller's object", () => {
    const payload = {};
    validatePayload({ type: 'object', properties: { a: { default: 1 } } }, payload);
    expect(payload).toEqual({});
  });

  it('compiles a schema once (by its text), and past the bound compiles an evicted one again, still right', () => {
    const schemaOf = (i: number) => ({ type: 'object', properties: { n: { type: 'integer', maximum: i } } });
    const first = compileTriggerSchema(schemaOf(0));
    expect(compileTriggerSchema(JSON.parse(JSON.stringify(schemaOf(0))))).toBe(first);
    for (let i = 1; i <= 600; i++) compileTriggerSchema(schemaOf(i));
    const again = compileTriggerSchema(schemaOf(0));
    expect(again).not.toBe(first);
    expect(again({ n: 0 })).toBe(true);
    expect(again({ n: 1 })).toBe(false);
    expect(first({ n: 1 })).toBe(false); // an evicted validator a caller still holds keeps working
  });
});
