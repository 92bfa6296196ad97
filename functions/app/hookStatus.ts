import type { HookDefinition } from '../core/hookDefinition.ts';
import { hookSchedules, nextOccurrence } from '../core/schedule/hookSchedules.ts';

/**
 * The next time the hook fires after `now` (getHookStatus.nextScheduledDate): the scheduler's own answer
 * (core/schedule/hookSchedules.ts), `rate(...)` grids anchored at the hook's creation as it fires them.
 */
export function nextScheduledDate(
  hook: { definition: HookDefinition; createdAt: string },
  now: Date,
): string | undefined {
  return nextOccurrence(hookSchedules(hook.definition, new Date(hook.createdAt)), now)?.toISOString();
}
