import type { Context } from 'hono';
import { inputError } from '../core/errors.ts';
import { HOOK_GROUP_ID_PATTERN, HOOK_ID_PATTERN, RUN_ID_PATTERN } from '../core/ids.ts';

/** Path parameters, decoded (Taskcluster clients send `/` in a hookId as %2F) and checked. */
function decoded(c: Context, name: string): string {
  const raw = c.req.param(name) ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw inputError(`${name} is not a valid URL-encoded string`);
  }
}

export function hookParams(c: Context, withHookId = true): { hookGroupId: string; hookId: string } {
  const hookGroupId = decoded(c, 'hookGroupId');
  if (!HOOK_GROUP_ID_PATTERN.test(hookGroupId))
    throw inputError(`hookGroupId "${hookGroupId.slice(0, 100)}" must match ^[a-zA-Z0-9-_]{1,1000}$`);
  if (!withHookId) return { hookGroupId, hookId: '' };
  const hookId = decoded(c, 'hookId');
  if (!HOOK_ID_PATTERN.test(hookId))
    throw inputError(`hookId "${hookId.slice(0, 100)}" must match ^[a-zA-Z0-9-_/]{1,1000}$`);
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
