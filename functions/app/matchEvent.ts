import { matchesEventPattern } from '../core/eventPattern/match.ts';
import type { Services } from './services.ts';

/** One binding of one hook that an event matches: the pattern that decided it and its place in the list. */
export interface BindingMatch {
  hookGroupId: string;
  hookId: string;
  name: string;
  bindingIndex: number;
  pattern: Record<string, unknown>;
}

/**
 * Which stored hooks' bindings `event` matches, as the binding router (bindingRouter.ts) would deliver
 * it — the same matcher (core/eventPattern.ts) over the same stored bindings — without firing anything.
 * `visible` leaves out the hooks the caller may not see. Answered sorted by hook, then binding.
 */
export async function matchEventToBindings(
  services: Services,
  event: Record<string, unknown>,
  visible: (hookGroupId: string, hookId: string) => boolean,
): Promise<BindingMatch[]> {
  const matches: BindingMatch[] = [];
  for (const { definition } of await services.store.listAllHooks()) {
    if (!visible(definition.hookGroupId, definition.hookId)) continue;
    definition.bindings.forEach((pattern, bindingIndex) => {
      if (matchesEventPattern(pattern, event)) {
        matches.push({
          hookGroupId: definition.hookGroupId,
          hookId: definition.hookId,
          name: definition.metadata.name,
          bindingIndex,
          pattern,
        });
      }
    });
  }
  return matches.sort(
    (a, b) =>
      a.hookGroupId.localeCompare(b.hookGroupId) ||
      a.hookId.localeCompare(b.hookId) ||
      a.bindingIndex - b.bindingIndex,
  );
}
