import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';

/** Identifier rules (Taskcluster's; README.md, "Hooks"). */
export const HOOK_GROUP_ID_PATTERN = /^[a-zA-Z0-9-_]{1,1000}$/;
export const HOOK_ID_PATTERN = /^[a-zA-Z0-9-_/]{1,1000}$/;
/** Taskcluster slugids: 22 URL-safe base64 characters. Run ids are slugids so `taskId = runId` fits Taskcluster clients. */
export const hookGroupIdSchema = z
  .string()
  .regex(HOOK_GROUP_ID_PATTERN, 'must match ^[a-zA-Z0-9-_]{1,1000}$');
export const hookIdSchema = z.string().regex(HOOK_ID_PATTERN, 'must match ^[a-zA-Z0-9-_/]{1,1000}$');
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{8,80}$/;

/** A fresh Taskcluster-style slugid (v4, 128 bits of which 122 random). */
export function newSlugId(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  // Taskcluster's "nice" slugids start with [A-Za-f]: clear the top bit of the first byte.
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('base64url');
}

/**
 * A run id derived from a stable key (a scheduled occurrence, an event id, an idempotency key),
 * so the same occurrence can never start two runs (Step Functions dedupes execution names).
 */
export function derivedRunId(...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  const bytes = digest.subarray(0, 16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('base64url');
}

export function hookKey(hookGroupId: string, hookId: string): string {
  return `${hookGroupId}/${hookId}`;
}
