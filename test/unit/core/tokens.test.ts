import { describe, expect, it } from 'vitest';
import { openSealedText, sealText } from '../../../functions/core/sealedToken.ts';
import {
  deriveTriggerToken,
  hashSecret,
  newTokenNonce,
  secretMatchesHash,
  UNMATCHABLE_HASH,
} from '../../../functions/core/triggerToken.ts';

const key = Buffer.alloc(32, 5);

describe('trigger tokens', () => {
  it('are derived from the hook and a fresh 128-bit nonce: the same inputs, the same token', () => {
    const nonce = newTokenNonce();
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(16);
    expect(newTokenNonce()).not.toBe(nonce);
    const token = deriveTriggerToken(key, 'g', 'h', nonce);
    expect(deriveTriggerToken(key, 'g', 'h', nonce)).toBe(token);
    expect(deriveTriggerToken(key, 'g', 'h', newTokenNonce())).not.toBe(token);
    expect(deriveTriggerToken(Buffer.alloc(32, 6), 'g', 'h', nonce)).not.toBe(token);
  });

  it('bind the hook ids unambiguously (ids hold no NUL, core/ids.ts: "g/h" + "x" is not "g" + "h/x")', () => {
    expect(deriveTriggerToken(key, 'g/h', 'x', 'n')).not.toBe(deriveTriggerToken(key, 'g', 'h/x', 'n'));
  });

  it('are stored as a hash and compared with it', () => {
    const token = deriveTriggerToken(key, 'g', 'h', newTokenNonce());
    const stored = hashSecret(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token);
    expect(secretMatchesHash(token, stored)).toBe(true);
    expect(secretMatchesHash(`${token}x`, stored)).toBe(false);
    expect(secretMatchesHash(token, 'short')).toBe(false);
    expect(secretMatchesHash(token, UNMATCHABLE_HASH)).toBe(false);
  });
});

describe('sealed text', () => {
  it('round-trips under the same key and purpose, unreadable in between', () => {
    const sealed = sealText(key, 'runs page', 'position:run-123');
    expect(sealed).not.toContain('run-123');
    expect(openSealedText(key, 'runs page', sealed)).toBe('position:run-123');
    expect(sealText(key, 'runs page', 'position:run-123')).not.toBe(sealed);
  });

  it('opens to nothing under another key or purpose, or when tampered with', () => {
    const sealed = sealText(key, 'runs page', 'text');
    expect(openSealedText(Buffer.alloc(32, 6), 'runs page', sealed)).toBeUndefined();
    expect(openSealedText(key, 'other purpose', sealed)).toBeUndefined();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(openSealedText(key, 'runs page', bytes.toString('base64url'))).toBeUndefined();
    expect(openSealedText(key, 'runs page', 'short')).toBeUndefined();
    expect(openSealedText(key, 'runs page', '')).toBeUndefined();
  });
});
