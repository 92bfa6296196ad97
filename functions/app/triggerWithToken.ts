import { HooklineError } from '../core/errors.ts';
import { secretMatchesHash, UNMATCHABLE_HASH } from '../core/triggerToken.ts';
import type { HookRecord } from '../ports/store.ts';
import type { Services } from './services.ts';

/**
 * Checks a trigger token. A wrong token and an unknown hook get the same 401 with the same body,
 * and the same work (a constant-time comparison against a hash), so the endpoint does not reveal
 * which hooks exist.
 */
export async function checkTriggerToken(
  services: Services,
  hookGroupId: string,
  hookId: string,
  token: string,
): Promise<HookRecord> {
  const hook = await services.store.getHook(hookGroupId, hookId);
  const matches = secretMatchesHash(token.slice(0, 512), hook?.triggerTokenHash ?? UNMATCHABLE_HASH);
  if (!hook || !matches) {
    services.logger.warn('trigger token refused', { hookGroupId, hookId });
    throw new HooklineError('AuthenticationFailed', 'the trigger token is not valid for this hook');
  }
  return hook;
}
