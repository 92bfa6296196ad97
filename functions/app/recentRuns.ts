import { inputError } from '../core/errors.ts';
import { openSealedText, sealText } from '../core/sealedToken.ts';
import type { Page, PageRequest, RunFilter, RunSummary } from '../ports/store.ts';
import type { Services } from './services.ts';

/**
 * GET /runs: runs across hooks, newest first, of the hooks the caller may read. Runs it may not read
 * are left out of the page (a page may then hold fewer than `limit`), and the continuation token is
 * sealed (functions/core/sealedToken.ts): the store's position names a run, perhaps one of those.
 */
const TOKEN_PURPOSE = 'GET /runs continuation';

export async function listRecentRuns(
  services: Services,
  filter: RunFilter,
  page: PageRequest,
  canRead: (hookGroupId: string, hookId: string) => boolean,
): Promise<Page<RunSummary>> {
  let storeToken: string | undefined;
  if (page.continuationToken !== undefined) {
    storeToken = openSealedText(services.secrets.tokenKey, TOKEN_PURPOSE, page.continuationToken);
    if (storeToken === undefined) throw inputError('continuationToken is not one this service issued');
  }
  const out = await services.store.listRecentRuns(filter, {
    limit: page.limit,
    continuationToken: storeToken,
  });
  return {
    items: out.items.filter((run) => canRead(run.hookGroupId, run.hookId)),
    ...(out.continuationToken
      ? { continuationToken: sealText(services.secrets.tokenKey, TOKEN_PURPOSE, out.continuationToken) }
      : {}),
  };
}
