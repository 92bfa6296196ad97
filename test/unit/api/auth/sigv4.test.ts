import { describe, expect, it } from 'vitest';
import { parseAmzDate, parseSigV4Header } from '../../../../functions/api/auth/sigv4.ts';
import { NodeSha256 } from '../../../../functions/core/sha256.ts';

/** The SigV4 pieces the local EventBridge endpoint's authentication reads (functions/api/auth/sigv4Scheme.ts). */
describe('parseSigV4Header', () => {
  const signature = 'a'.repeat(64);
  it('reads the scope from the last four parts, so a client id may hold "/"', () => {
    expect(
      parseSigV4Header(
        `AWS4-HMAC-SHA256 Credential=team/ci/20300101/eu-west-1/events/aws4_request, SignedHeaders=host;X-Amz-Date, Signature=${signature}`,
      ),
    ).toEqual({
      clientId: 'team/ci',
      shortDate: '20300101',
      region: 'eu-west-1',
      service: 'events',
      signedHeaders: ['host', 'x-amz-date'],
      signature,
    });
  });

  it('refuses what is not that shape', () => {
    expect(parseSigV4Header('Bearer x')).toBeUndefined();
    expect(
      parseSigV4Header(
        `AWS4-HMAC-SHA256 Credential=a/20300101/r/s/other, SignedHeaders=host, Signature=${signature}`,
      ),
    ).toBeUndefined();
    expect(
      parseSigV4Header(
        'AWS4-HMAC-SHA256 Credential=a/20300101/r/s/aws4_request, SignedHeaders=host, Signature=zz',
      ),
    ).toBeUndefined();
  });
});

describe('parseAmzDate', () => {
  it('reads the basic ISO form and refuses anything else', () => {
    expect(parseAmzDate('20300102T030405Z')?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(parseAmzDate('2030-01-02T03:04:05Z')).toBeUndefined();
    expect(parseAmzDate(undefined)).toBeUndefined();
  });
});

describe('NodeSha256', () => {
  it('hashes, and keys an HMAC with a secret, as @smithy/signature-v4 expects', async () => {
    const plain = new NodeSha256();
    plain.update('abc');
    expect(Buffer.from(await plain.digest()).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const keyed = new NodeSha256('key');
    keyed.update('The quick brown fox jumps over the lazy dog');
    expect(Buffer.from(await keyed.digest()).toString('hex')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
    keyed.reset();
    keyed.update('The quick brown fox jumps over the lazy dog');
    expect(Buffer.from(await keyed.digest()).toString('hex')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });
});
