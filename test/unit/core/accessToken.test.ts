import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  accessTokenKeyFrom,
  accessTokenMatches,
  deriveAccessToken,
  importedAccessToken,
  newAccessToken,
} from '../../../functions/core/accessToken.ts';

const serviceKey = Buffer.alloc(32, 7);
const key = accessTokenKeyFrom(serviceKey);

describe('client access tokens', () => {
  it('the access-token key is derived from the service key, deterministically, and is not it', () => {
    expect(accessTokenKeyFrom(serviceKey)).toEqual(key);
    expect(key.equals(serviceKey)).toBe(false);
    expect(accessTokenKeyFrom(Buffer.alloc(32, 8)).equals(key)).toBe(false);
  });

  it('a new token is 256 bits, derived from its nonce, and verifies against its record only', () => {
    const { token, fields } = newAccessToken(key, 'ops/deployer');
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(fields.accessTokenNonce).toBeDefined();
    expect(deriveAccessToken(key, 'ops/deployer', fields.accessTokenNonce!)).toBe(token);
    // The record keeps a verifier, not the token.
    expect(JSON.stringify(fields)).not.toContain(token);
    expect(accessTokenMatches(key, { clientId: 'ops/deployer', ...fields }, token)).toBe(true);
    expect(accessTokenMatches(key, { clientId: 'ops/deployer', ...fields }, `${token}x`)).toBe(false);
    // Bound to the client: the same fields under another clientId verify nothing.
    expect(accessTokenMatches(key, { clientId: 'ops/other', ...fields }, token)).toBe(false);
    // And to the key: another service key verifies nothing.
    expect(
      accessTokenMatches(
        accessTokenKeyFrom(Buffer.alloc(32, 9)),
        { clientId: 'ops/deployer', ...fields },
        token,
      ),
    ).toBe(false);
  });

  it('two tokens for the same client differ (fresh nonce and salt each time)', () => {
    const a = newAccessToken(key, 'c');
    const b = newAccessToken(key, 'c');
    expect(a.token).not.toBe(b.token);
    expect(a.fields.accessTokenSalt).not.toBe(b.fields.accessTokenSalt);
  });

  it('no record: false, after the same work', () => {
    expect(accessTokenMatches(key, undefined, 'anything')).toBe(false);
  });

  it('an imported token (the cloud root secret) verifies without a nonce', () => {
    const fields = importedAccessToken(key, 'root', 'the-deploy-secret-token');
    expect(fields.accessTokenNonce).toBeUndefined();
    expect(accessTokenMatches(key, { clientId: 'root', ...fields }, 'the-deploy-secret-token')).toBe(true);
    expect(accessTokenMatches(key, { clientId: 'root', ...fields }, 'another')).toBe(false);
  });

  it('a record written straight into the table with a token of the writer choosing verifies nothing', () => {
    // Without the key, the writer can only compute the old unkeyed verifier (salt as the HMAC key).
    const salt = randomBytes(16).toString('hex');
    const chosen = 'known-to-the-writer';
    const unkeyed = createHmac('sha256', Buffer.from(salt, 'hex')).update(chosen).digest('hex');
    expect(
      accessTokenMatches(key, { clientId: 'x', accessTokenHash: unkeyed, accessTokenSalt: salt }, chosen),
    ).toBe(false);
    const withNonce = {
      clientId: 'x',
      accessTokenHash: unkeyed,
      accessTokenSalt: salt,
      accessTokenNonce: 'n',
    };
    expect(accessTokenMatches(key, withNonce, chosen)).toBe(false);
  });

  it('an unkeyed verifier from before the upgrade still verifies the token the key derives from its nonce', () => {
    const nonce = randomBytes(32).toString('base64url');
    const token = deriveAccessToken(key, 'legacy', nonce);
    const salt = randomBytes(16).toString('hex');
    const unkeyed = createHmac('sha256', Buffer.from(salt, 'hex')).update(token).digest('hex');
    const record = {
      clientId: 'legacy',
      accessTokenHash: unkeyed,
      accessTokenSalt: salt,
      accessTokenNonce: nonce,
    };
    expect(accessTokenMatches(key, record, token)).toBe(true);
    expect(accessTokenMatches(key, record, deriveAccessToken(key, 'legacy', 'other-nonce'))).toBe(false);
  });
});
