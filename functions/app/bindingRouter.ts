import { type CompiledEventPattern, compileEventPattern } from '../core/eventPattern.ts';
import { isHooklineError } from '../core/errors.ts';
import type { HookDefinition } from '../core/hookDefinition.ts';
import { hookKey } from '../core/ids.ts';
import type { HookRecord } from '../ports/store.ts';
import { type DeliveredEvent, fireFromEvent } from './fireFromSources.ts';
import type { FireOutcome } from './fireHook.ts';
import type { Services } from './services.ts';

/**
 * Routes events on the local bus to the hooks bound to them — what EventBridge does in the cloud with one
 * rule per binding. Every stored hook's bindings are compiled once and cached; the cache follows hook
 * changes (the local TriggerSync calls hookChanged/hookRemoved), so an event is matched without a read.
 *
 * A binding whose top-level `source` is a list of plain strings (almost every pattern) is indexed by those
 * sources, so an event is tested only against the bindings that can match its source plus the few that
 * say nothing usable about it. Each matching hook fires once per event with `fireFromEvent` (payload =
 * detail, event = the whole event, run id derived from the event id, so a duplicate delivery starts
 * nothing), read fresh from the store.
 */

interface Binding {
  hookGroupId: string;
  hookId: string;
  matches: CompiledEventPattern;
  /** The sources the binding requires (exact strings), or null when it cannot be indexed. */
  sources: string[] | null;
}

export type RouteOutcome = FireOutcome | { kind: 'error'; message: string };

export interface RoutedFire {
  hookGroupId: string;
  hookId: string;
  outcome: RouteOutcome;
}

const DELIVERY_ATTEMPTS = 3;

export class BindingRouter {
  private readonly byHook = new Map<string, Binding[]>();
  private readonly bySource = new Map<string, Set<Binding>>();
  private readonly unindexed = new Set<Binding>();
  private stopping = false;

  constructor(private readonly services: Services) {}

  /** Shutting down: a failed delivery is not retried (the run, if created, resumes at the next start). */
  stop(): void {
    this.stopping = true;
  }

  /** Loads every stored hook's bindings (at start). */
  async load(): Promise<void> {
    for (const record of await this.services.store.listAllHooks()) this.hookChanged(record.definition);
  }

  /** Number of bindings cached. */
  get bindingCount(): number {
    let count = 0;
    for (const bindings of this.byHook.values()) count += bindings.length;
    return count;
  }

  hookChanged(definition: HookDefinition): void {
    const { hookGroupId, hookId } = definition;
    this.hookRemoved(hookGroupId, hookId);
    const bindings: Binding[] = [];
    definition.bindings.forEach((pattern, index) => {
      let matches: CompiledEventPattern;
      try {
        matches = compileEventPattern(pattern);
      } catch (error) {
        // Validation at create/update prevents this; a bad stored pattern must not stop the others.
        this.services.logger.error('binding not routed: invalid event pattern', {
          hookGroupId,
          hookId,
          binding: index,
          error: (error as Error).message,
        });
        return;
      }
      const binding: Binding = { hookGroupId, hookId, matches, sources: indexableSources(pattern) };
      bindings.push(binding);
      if (binding.sources === null) this.unindexed.add(binding);
      else {
        for (const source of binding.sources) {
          let set = this.bySource.get(source);
          if (!set) this.bySource.set(source, (set = new Set()));
          set.add(binding);
        }
      }
    });
    if (bindings.length > 0) this.byHook.set(hookKey(hookGroupId, hookId), bindings);
  }

  hookRemoved(hookGroupId: string, hookId: string): void {
    const key = hookKey(hookGroupId, hookId);
    for (const binding of this.byHook.get(key) ?? []) {
      this.unindexed.delete(binding);
      for (const source of binding.sources ?? []) {
        const set = this.bySource.get(source);
        set?.delete(binding);
        if (set?.size === 0) this.bySource.delete(source);
      }
    }
    this.byHook.delete(key);
  }

  /** The hooks (group, id) with at least one binding matching the event, each once. */
  match(event: DeliveredEvent): Array<{ hookGroupId: string; hookId: string }> {
    const matched = new Map<string, { hookGroupId: string; hookId: string }>();
    const test = (binding: Binding) => {
      const key = hookKey(binding.hookGroupId, binding.hookId);
      if (!matched.has(key) && binding.matches(event)) {
        matched.set(key, { hookGroupId: binding.hookGroupId, hookId: binding.hookId });
      }
    };
    if (typeof event.source === 'string') {
      for (const binding of this.bySource.get(event.source) ?? []) test(binding);
    } else {
      for (const bindings of this.byHook.values()) for (const binding of bindings) test(binding);
    }
    for (const binding of this.unindexed) test(binding);
    return [...matched.values()];
  }

  /** Fires every hook bound to the event; a fire's failure is logged, never thrown. */
  async route(event: DeliveredEvent): Promise<RoutedFire[]> {
    const targets = this.match(event);
    return Promise.all(targets.map(({ hookGroupId, hookId }) => this.deliver(event, hookGroupId, hookId)));
  }

  private async deliver(event: DeliveredEvent, hookGroupId: string, hookId: string): Promise<RoutedFire> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < DELIVERY_ATTEMPTS; attempt++) {
      if (attempt > 0 && this.stopping) break;
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      let hook: HookRecord | undefined;
      try {
        hook = await this.services.store.getHook(hookGroupId, hookId);
        // Removed since it matched: as in the cloud, a rule's late delivery finds no hook and does nothing.
        if (!hook)
          return { hookGroupId, hookId, outcome: { kind: 'error', message: 'the hook no longer exists' } };
        return { hookGroupId, hookId, outcome: await fireFromEvent(this.services, hook, event) };
      } catch (error) {
        if (isHooklineError(error)) {
          // Recorded as the fire's error (render, payload, chain depth): retrying would not help.
          this.services.logger.warn('event fire refused', {
            hookGroupId,
            hookId,
            eventId: event.id,
            error: error.message,
          });
          return { hookGroupId, hookId, outcome: { kind: 'error', message: error.message } };
        }
        lastError = error as Error;
      }
    }
    this.services.logger.error('event not delivered to hook', {
      hookGroupId,
      hookId,
      eventId: event.id,
      error: lastError?.message,
    });
    return { hookGroupId, hookId, outcome: { kind: 'error', message: lastError?.message ?? 'failed' } };
  }
}

/**
 * The sources a pattern requires, when its top-level `source` is a list of plain strings and there is no
 * top-level `$or` (which could make `source` optional). Otherwise null: the binding is always tested.
 */
function indexableSources(pattern: Record<string, unknown>): string[] | null {
  if (Object.hasOwn(pattern, '$or')) return null;
  const source = pattern.source;
  if (!Array.isArray(source) || source.length === 0) return null;
  if (!source.every((value) => typeof value === 'string')) return null;
  return [...new Set(source as string[])];
}
