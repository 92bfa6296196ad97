import { describe, expect, it } from 'vitest';
import {
  decodeContinuationToken,
  encodeContinuationToken,
  InvalidContinuationToken,
} from '../../../functions/adapters/continuationToken.ts';

/** Continuation tokens shared by every store adapter (functions/adapters/continuationToken.ts). */
const fields = ['pk', 'sk'] as const;
const partition = { name: 'pk', value: 'RUNS#g#h' };

describe('continuation tokens', () => {
  it('a key round-trips through its token; no key, no token', () => {
    const key = { pk: 'RUNS#g#h', sk: '2030-01-01T00:00:00.000Z#run' };
    const token = encodeContinuationToken(key)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContinuationToken(token, fields, partition)).toEqual(key);
    expect(encodeContinuationToken(undefined)).toBeUndefined();
    expect(decodeContinuationToken(undefined, fields, partition)).toBeUndefined();
    expect(decodeContinuationToken('', fields, partition)).toBeUndefined();
  });

  it('refuses with a 400 a token that is not a key of this very listing', () => {
    const refused = [
      'not base64 json!',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('"text"').toString('base64url'),
      encodeContinuationToken({ pk: 'RUNS#g#other', sk: 'x' }),
      encodeContinuationToken({ pk: 'RUNS#g#h' }),
      encodeContinuationToken({ pk: 'RUNS#g#h', sk: '' }),
      encodeContinuationToken({ pk: 'RUNS#g#h', sk: 1 }),
      encodeContinuationToken({ pk: 'RUNS#g#h', sk: 'x', extra: 'y' }),
    ];
    for (const token of refused) {
      let caught: unknown;
      try {
        decodeContinuationToken(token, fields, partition);
      } catch (error) {
        caught = error;
      }
      expect(caught, String(token)).toBeInstanceOf(InvalidContinuationToken);
      expect(caught).toMatchObject({
        code: 'InputError',
        statusCode: 400,
        message: 'continuationToken is not one this service issued',
      });
    }
  });

  it('without a partition to match, any key with the fields is taken', () => {
    const token = encodeContinuationToken({ pk: 'ANY', sk: 'x' });
    expect(decodeContinuationToken(token, fields, undefined)).toEqual({ pk: 'ANY', sk: 'x' });
  });
});
