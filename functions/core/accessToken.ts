import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client access tokens (the clients of functions/app/clients.ts). A token is HMAC-SHA256(access-token
 * key, clientId + a fresh 256-bit nonce from crypto.randomBytes): 256 bits, shown once (create, reset).
 * The table keeps its verifier, an HMAC-SHA256 under the access-token key over the clientId, 16 random
 * bytes of salt and the token, and the nonce. The access-token key lives outside the table (derived
 * from the service key: `service.key` in the local data directory, the deploy secret in the cloud), so
 * a record written straight into the table, with any hash, salt or nonce of the writer's choosing,
 * verifies no token the writer knows. Hawk and SigV4 sign with the token as their key, so the server
 * recomputes it from the nonce and the access-token key. The table alone reveals no token and mints none.
 *
 * Verifiers written before the upgrade were unkeyed (HMAC-SHA256 with the salt as the key). They keep
 * working until the client's next reset, but only for the token derived from the record's nonce with
 * the access-token key (which a table write cannot produce); the cloud root client's imported token,
 * which has no nonce, gets a keyed verifier from the deploy secret (app/clients.ts `importRootClient`).
 */

/** What a client record keeps of its token (ports/clientStore.ts ClientRecord). */
export interface AccessTokenFields {
  /** The verifier, hex. */
  accessTokenHash: string;
  /** 16 random bytes, hex. */
  accessTokenSalt: string;
  /** The nonce the token is derived from; absent for an imported token. */
  accessTokenNonce?: string | undefined;
}

/** The access-token key, separated from the service key (which also derives trigger tokens). */
export function accessTokenKeyFrom(serviceKey: Buffer): Buffer {
  return createHmac('sha256', serviceKey).update('hookline client access tokens v1').digest();
}

/** The token a client's nonce derives under the key. */
export function deriveAccessToken(key: Buffer, clientId: string, nonce: string): string {
  return createHmac('sha256', key).update(`${clientId}\u0000${nonce}`).digest('base64url');
}

/** The stored verifier of a token: keyed with the access-token key, bound to the client and salt. */
function tokenVerifier(key: Buffer, clientId: string, salt: string, token: string): string {
  return createHmac('sha256', key)
    .update(`hookline access token verifier v2\u0000${clientId}\u0000${salt}\u0000${token}`)
    .digest('hex');
}

/** The verifier written before the upgrade (no server-side key): trusted only together with the nonce. */
function unkeyedVerifier(salt: string, token: string): string {
  return createHmac('sha256', Buffer.from(salt, 'hex')).update(token).digest('hex');
}

/** A new token for the client: 256 random bits (derived with the key so Hawk can verify it). */
export function newAccessToken(key: Buffer, clientId: string): { token: string; fields: AccessTokenFields } {
  const nonce = randomBytes(32).toString('base64url');
  const token = deriveAccessToken(key, clientId, nonce);
  const salt = randomBytes(16).toString('hex');
  return {
    token,
    fields: {
      accessTokenHash: tokenVerifier(key, clientId, salt, token),
      accessTokenSalt: salt,
      accessTokenNonce: nonce,
    },
  };
}

/** Fields for a token that comes from outside (the cloud root client's deploy secret). */
export function importedAccessToken(key: Buffer, clientId: string, token: string): AccessTokenFields {
  const salt = randomBytes(16).toString('hex');
  return {
    accessTokenHash: tokenVerifier(key, clientId, salt, token),
    accessTokenSalt: salt,
    accessTokenNonce: undefined,
  };
}

const DUMMY_SALT = '00'.repeat(16);
const UNMATCHABLE = Buffer.alloc(32, 0xff);

function equalHex(computedHex: string, storedHex: string): boolean {
  const a = Buffer.from(computedHex, 'hex');
  const b = Buffer.from(storedHex.padEnd(64, '0').slice(0, 64), 'hex');
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b);
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Whether `presented` is the client's access token, checked with the access-token key: the same work
 * (one keyed HMAC, one constant-time comparison) whether or not the client exists.
 */
export function accessTokenMatches(
  key: Buffer,
  record: (AccessTokenFields & { clientId: string }) | undefined,
  presented: string,
): boolean {
  if (!record) {
    const computed = Buffer.from(tokenVerifier(key, '', DUMMY_SALT, presented), 'hex');
    timingSafeEqual(computed, UNMATCHABLE);
    return false;
  }
  const salt = record.accessTokenSalt;
  if (equalHex(tokenVerifier(key, record.clientId, salt, presented), record.accessTokenHash)) return true;
  // A verifier from before the upgrade: only the token the key derives from the nonce.
  if (!record.accessTokenNonce) return false;
  const derived = deriveAccessToken(key, record.clientId, record.accessTokenNonce);
  return equalText(derived, presented) && equalHex(unkeyedVerifier(salt, presented), record.accessTokenHash);
}
