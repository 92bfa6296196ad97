import type { FireRecord, HookRecord, Page, PageRequest } from '../ports/store.ts';
import type { Services } from './services.ts';

/**
 * The fires of the hook as it is now. Removing a hook leaves its fire records to expire with their
 * retention (TTL) instead of deleting them in the request (app/manageHooks.ts removeHook), so a hook
 * created again under the same ids would find its predecessor's fires: those older than the hook's
 * creation are not its own and are left out. Fires are listed newest first, so the first older one
 * ends the list.
 */
export async function listFiresOfHook(
  services: Services,
  hook: HookRecord,
  page: PageRequest,
): Promise<Page<FireRecord>> {
  const { hookGroupId, hookId } = hook.definition;
  const listed = await services.store.listFires(hookGroupId, hookId, page);
  const since = Date.parse(hook.createdAt);
  const items = listed.items.filter((fire) => Date.parse(fire.time) >= since);
  return items.length < listed.items.length ? { items } : listed;
}
