import type { Context } from 'hono';
import { inputError } from '../core/errors.ts';
import { HOOK_GROUP_ID_PATTERN, HOOK_ID_PATTERN, RUN_ID_PATTERN } from '../core/ids.ts';

/**
 * Path parameters, as the router decoded them (Taskcluster clients send `/` in a hookId as %2F, which
 * arrives here as `/`). Decoded exactly once: `%252F` is the text `%2F`, which no ID may contain.
 */
function decoded(c: Context, name: string): string {
  return c.req.param(name) ?? '';
}

/** The hook's DynamoDB sort key is `hookGroupId#hookId`, and a sort key is at most 1024 bytes. */
export const MAX_HOOK_KEY_LENGTH = 1023;

export function hookParams(c: Context, withHookId = true): { hookGroupId: string; hookId: string } {
  const hookGroupId = decoded(c, 'hookGroupId');
  if (!HOOK_GROUP_ID_PATTERN.test(hookGroupId))
    throw inputError(`hookGroupId "${hookGroupId.slice(0, 100)}" must match ^[a-zA-Z0-9-_]{1,1000}$`);
  if (!withHookId) return { hookGroupId, hookId: '' };
  const hookId = decoded(c, 'hookId');
  if (!HOOK_ID_PATTERN.test(hookId))
    throw inputError(`hookId "${hookId.slice(0, 100)}" must match ^[a-zA-Z0-9-_/]{1,1000}$`);
  if (hookGroupId.length + hookId.length > MAX_HOOK_KEY_LENGTH)
    throw inputError(
      `hookGroupId and hookId are together at most ${MAX_HOOK_KEY_LENGTH} characters (they are ${hookGroupId.length + hookId.length})`,
    );
  return { hookGroupId, hookId };
}

export function runIdParam(c: Context): string {
  const runId = decoded(c, 'runId');
  if (!RUN_ID_PATTERN.test(runId)) throw inputError(`runId "${runId.slice(0, 100)}" is not a run id`);
  return runId;
}

export function stepIndexParam(c: Context): number {
  const raw = c.req.param('index') ?? '';
  if (!/^\d{1,4}$/.test(raw))
    throw inputError(`step index "${raw.slice(0, 20)}" must be a number from 0 to 9999`);
  return Number(raw);
}

/** A character offset into a step's stream (`stdoutOffset`, `stderrOffset`): absent means 0. */
export function offsetQuery(c: Context, name: string): number {
  const raw = c.req.query(name);
  if (raw === undefined) return 0;
  if (!/^\d{1,12}$/.test(raw))
    throw inputError(`${name} must be a whole number from 0 (got "${raw.slice(0, 20)}")`);
  return Number(raw);
}
