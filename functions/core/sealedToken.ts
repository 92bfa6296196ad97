import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Text sealed for a round trip through a client (AES-256-GCM under a key derived from the service
 * key): the client can neither read it nor forge it. GET /runs seals its continuation token this way,
 * since the store's position names a run the caller may not be allowed to see.
 */
function keyFor(serviceKey: Buffer, purpose: string): Buffer {
  return createHmac('sha256', serviceKey).update(`hookline sealed token: ${purpose}`).digest();
}

export function sealText(serviceKey: Buffer, purpose: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(serviceKey, purpose), iv);
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The text, or undefined when the token was not sealed by `sealText` with this key and purpose. */
export function openSealedText(serviceKey: Buffer, purpose: string, token: string): string | undefined {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length < 29) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(serviceKey, purpose), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
