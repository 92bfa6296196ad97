import type { HookDefinition } from '../core/hookDefinition.ts';

/**
 * Keeps what fires a hook — its EventBridge rules (bindings) and EventBridge Scheduler schedules —
 * in line with its definition. In the cloud these are AWS resources; locally the bus and the
 * scheduler read the stored hooks, so the local implementation only refreshes their caches.
 */
export interface TriggerSync {
  /** Creates, updates and deletes the hook's rules and schedules to match the definition. Throws on failure. */
  sync(definition: HookDefinition): Promise<void>;
  /** Deletes all of the hook's rules and schedules. Throws on failure. */
  remove(hookGroupId: string, hookId: string): Promise<void>;
}
