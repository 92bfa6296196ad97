import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.ts';

/**
 * A fingerprint of a trigger payload, stored with its Idempotency-Key: the same key with another
 * payload is a conflict, not a repeat. Object keys are sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}`
 * are the same payload.
 */
export function payloadFingerprint(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('base64url');
}
