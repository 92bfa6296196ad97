import type { RunChanges } from '../../ports/runChanges.ts';
import type { Store } from '../../ports/store.ts';

/** The local stack's RunChanges: one process writes and serves, so a write can tell the watchers itself. */
export class RunChangeNotifier implements RunChanges {
  private readonly listeners = new Map<string, Set<() => void>>();

  watch(runId: string, listener: () => void): () => void {
    const set = this.listeners.get(runId) ?? new Set<() => void>();
    this.listeners.set(runId, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(runId) === set) this.listeners.delete(runId);
    };
  }

  changed(runId: string): void {
    for (const listener of this.listeners.get(runId) ?? []) listener();
  }
}

/** The Store writes after which a run's watchers are told (the first argument is the run id, or the run). */
const RUN_WRITES = new Set(['createRun', 'updateRun', 'updateStep', 'putStepOutput']);

/**
 * The store, telling `notifier` after each successful write of a run, a step or a step's output.
 * Every other method passes through untouched (so methods added to the Store port need nothing here).
 */
export function notifyingStore<S extends Store>(store: S, notifier: RunChangeNotifier): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !RUN_WRITES.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        const first = args[0];
        const runId = typeof first === 'string' ? first : (first as { runId: string }).runId;
        notifier.changed(runId);
        return result;
      };
    },
  });
}
