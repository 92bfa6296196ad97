import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Trigger tokens. A token is HMAC-SHA256(service token key, hook + a random 128-bit nonce), so it
 * carries the CSPRNG's entropy, can be shown again by getTriggerToken (Taskcluster's API) and is
 * stored only as a SHA-256 hash; resetTriggerToken draws a new nonce. Comparison is constant-time.
 */
export function newTokenNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function deriveTriggerToken(
  tokenKey: Buffer,
  hookGroupId: string,
  hookId: string,
  nonce: string,
): string {
  return createHmac('sha256', tokenKey)
    .update(`${hookGroupId}\u0000${hookId}\u0000${nonce}`)
    .digest('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a presented secret with a stored SHA-256 hex hash. */
export function secretMatchesHash(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash.padEnd(64, '0').slice(0, 64), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A hash no token matches, compared against when the hook does not exist (same work, same answer). */
export const UNMATCHABLE_HASH = 'f'.repeat(64);
