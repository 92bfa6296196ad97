import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  conditional,
  documentClient,
  isConditionFailure,
  marshallable,
  withoutFields,
} from '../../../../functions/adapters/aws/documentClient.ts';
import { ConditionFailed } from '../../../../functions/ports/store.ts';

/** The DynamoDB document client every store uses (functions/adapters/aws/documentClient.ts); no request leaves the process. */
const config = { region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };

describe('documentClient', () => {
  it('stores an object with a "constructor" key as a map, and drops undefined values', async () => {
    const client = new DynamoDBClient(config);
    // What would go to DynamoDB, caught once marshalled (no request is sent).
    const sent: Array<Record<string, unknown>> = [];
    client.middlewareStack.add(
      () => async (args) => {
        sent.push(args.input as Record<string, unknown>);
        return { output: { $metadata: {} }, response: {} };
      },
      { step: 'build', name: 'catchRequest' },
    );
    const doc = documentClient(client);
    await doc.send(
      new PutCommand({
        TableName: 't',
        Item: {
          pk: 'p',
          sk: 's',
          payload: { constructor: 'x', nested: [{ constructor: { a: 1 } }] },
          gone: undefined,
        },
      }),
    );
    const item = sent[0]!.Item as Record<string, unknown>;
    expect(item.payload).toEqual({
      M: { constructor: { S: 'x' }, nested: { L: [{ M: { constructor: { M: { a: { N: '1' } } } } }] } },
    });
    expect('gone' in item).toBe(false);
    // two document clients over one client share its middleware stack: still one conversion
    documentClient(client);
    expect(
      client.middlewareStack.identify().filter((m) => m.startsWith('hooklineMarshallable')),
    ).toHaveLength(1);
  });

  it('a failed condition becomes ConditionFailed; other errors pass through', async () => {
    const failed = new ConditionalCheckFailedException({ message: 'no', $metadata: {} });
    expect(isConditionFailure(failed)).toBe(true);
    expect(
      isConditionFailure(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' })),
    ).toBe(true);
    expect(isConditionFailure(new Error('throttled'))).toBe(false);
    await expect(conditional(async () => Promise.reject(failed))).rejects.toBeInstanceOf(ConditionFailed);
    await expect(conditional(async () => Promise.reject(new Error('throttled')))).rejects.toThrow(
      'throttled',
    );
    await expect(conditional(async () => 'written')).resolves.toBe('written');
  });
});

describe('marshallable', () => {
  it('leaves values without a "constructor" key as they are, uncopied', () => {
    const value = { a: [1, { b: 2 }], c: null };
    expect(marshallable(value)).toBe(value);
    const buffer = Buffer.from('x');
    expect(marshallable(buffer)).toBe(buffer);
  });

  it('turns each object with a "constructor" key into a Map, copying only what changed', () => {
    const inner = { constructor: 1 };
    const untouched = { k: 'v' };
    const value = { list: [untouched, inner] };
    const fixed = marshallable(value) as { list: unknown[] };
    expect(fixed).not.toBe(value);
    expect(fixed.list[0]).toBe(untouched);
    expect(fixed.list[1]).toEqual(new Map([['constructor', 1]]));
    expect(value.list[1]).toBe(inner);
  });
});

describe('withoutFields', () => {
  it('strips the table’s fields from an item; no item, no record', () => {
    expect(withoutFields({ pk: 'p', sk: 's', name: 'n', n: 1 }, new Set(['pk', 'sk']))).toEqual({
      name: 'n',
      n: 1,
    });
    expect(withoutFields(undefined, new Set(['pk']))).toBeUndefined();
  });
});
