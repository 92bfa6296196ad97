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
 * Matching is indexed, as EventBridge's engine is: each binding is filed under one field it requires to
 * hold one of a few exact values (`"detail": {"shard": [7]}`, `"detail-type": ["Run Finished"]`, the
 * `source` list — preferring the most specific), so an event is tested only against the bindings filed
 * under the values it actually has, plus the few that require no exact value anywhere. The index only
 * narrows the candidates; every candidate is still matched in full (core/eventPattern.ts).
 *
 * Each matching hook fires once per event with `fireFromEvent` (payload = detail, event = the whole
 * event, run id derived from the event id, so a duplicate delivery starts nothing), read fresh from the
 * store.
 */

interface Binding {
  hookGroupId: string;
  hookId: string;
  matches: CompiledEventPattern;
  /** Where the binding is filed: a required field and its exact values, or null (always tested). */
  key: IndexKey | null;
}

interface IndexKey {
  path: string[];
  /** Type-tagged exact values (see valueKey). */
  values: string[];
}

interface FieldIndex {
  path: string[];
  byValue: Map<string, Set<Binding>>;
}

/** `retryable`: the fire did not happen (store trouble, or the stack stopping) — deliver the event again. */
export type RouteOutcome = FireOutcome | { kind: 'error'; message: string; retryable?: boolean };

export interface RoutedFire {
  hookGroupId: string;
  hookId: string;
  outcome: RouteOutcome;
}

const DELIVERY_ATTEMPTS = 3;

export class BindingRouter {
  private readonly byHook = new Map<string, Binding[]>();
  /** Indexed bindings, by the JSON of the field path they are filed under. */
  private readonly indexes = new Map<string, FieldIndex>();
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
      const binding: Binding = { hookGroupId, hookId, matches, key: indexKeyOf(pattern) };
      bindings.push(binding);
      if (!binding.key) {
        this.unindexed.add(binding);
        return;
      }
      const pathKey = JSON.stringify(binding.key.path);
      let fieldIndex = this.indexes.get(pathKey);
      if (!fieldIndex) {
        fieldIndex = { path: binding.key.path, byValue: new Map() };
        this.indexes.set(pathKey, fieldIndex);
      }
      for (const value of binding.key.values) {
        let set = fieldIndex.byValue.get(value);
        if (!set) {
          set = new Set();
          fieldIndex.byValue.set(value, set);
        }
        set.add(binding);
      }
    });
    if (bindings.length > 0) this.byHook.set(hookKey(hookGroupId, hookId), bindings);
  }

  hookRemoved(hookGroupId: string, hookId: string): void {
    const key = hookKey(hookGroupId, hookId);
    for (const binding of this.byHook.get(key) ?? []) {
      this.unindexed.delete(binding);
      if (!binding.key) continue;
      const pathKey = JSON.stringify(binding.key.path);
      const index = this.indexes.get(pathKey);
      if (!index) continue;
      for (const value of binding.key.values) {
        const set = index.byValue.get(value);
        set?.delete(binding);
        if (set?.size === 0) index.byValue.delete(value);
      }
      if (index.byValue.size === 0) this.indexes.delete(pathKey);
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
    for (const index of this.indexes.values()) {
      const values = new Set<string>();
      collectValues(event, index.path, 0, values);
      for (const value of values) for (const binding of index.byValue.get(value) ?? []) test(binding);
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
    return {
      hookGroupId,
      hookId,
      outcome: { kind: 'error', message: lastError?.message ?? 'failed', retryable: true },
    };
  }
}

/** An exact value as an index key, tagged with its type (`"3"` and `3` differ; `3` and `3.0` do not). */
function valueKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return `s:${value}`;
    case 'number':
      return `n:${value}`;
    case 'boolean':
      return `b:${value}`;
    default:
      return value === null ? 'null' : undefined;
  }
}

/** A pattern value that matches exactly one value: a scalar, or `{"numeric": ["=", n]}`. */
function exactKey(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return valueKey(value);
  const numeric = (value as Record<string, unknown>).numeric;
  if (
    Object.keys(value).length === 1 &&
    Array.isArray(numeric) &&
    numeric.length === 2 &&
    numeric[0] === '=' &&
    typeof numeric[1] === 'number'
  ) {
    return valueKey(numeric[1]);
  }
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The leaf paths inside `$or` alternatives: an alternative may replace a sibling's condition on them. */
function collectOrPaths(
  node: Record<string, unknown>,
  path: string[],
  inOr: boolean,
  out: Set<string>,
): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or') {
      if (Array.isArray(value))
        for (const alt of value) if (isObject(alt)) collectOrPaths(alt, path, true, out);
      continue;
    }
    const child = [...path, key];
    if (Array.isArray(value)) {
      if (inOr) out.add(JSON.stringify(child));
    } else if (isObject(value)) collectOrPaths(value, child, inOr, out);
  }
}

/** The fields the pattern always requires to hold one of some exact values (outside every `$or`). */
function exactFields(node: Record<string, unknown>, path: string[], out: IndexKey[]): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or') continue;
    const child = [...path, key];
    if (isObject(value)) exactFields(value, child, out);
    else if (Array.isArray(value) && value.length > 0) {
      const keys = value.map(exactKey);
      if (keys.every((k) => k !== undefined))
        out.push({ path: child, values: [...new Set(keys as string[])] });
    }
  }
}

/**
 * Where to file a binding: the most specific field it requires to hold exact values — a field other
 * than `source` and `detail-type` first, then fewer values, then deeper — or null when there is none.
 */
function indexKeyOf(pattern: Record<string, unknown>): IndexKey | null {
  const fields: IndexKey[] = [];
  exactFields(pattern, [], fields);
  const orPaths = new Set<string>();
  collectOrPaths(pattern, [], false, orPaths);
  const usable = fields.filter((f) => !orPaths.has(JSON.stringify(f.path)));
  const generic = (f: IndexKey) =>
    f.path.length === 1 && (f.path[0] === 'source' || f.path[0] === 'detail-type') ? 1 : 0;
  usable.sort(
    (a, b) => generic(a) - generic(b) || a.values.length - b.values.length || b.path.length - a.path.length,
  );
  return usable[0] ?? null;
}

/** Every scalar the event holds at `path`, arrays flattened at any level (as matching does). */
function collectValues(node: unknown, path: string[], depth: number, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const element of node) collectValues(element, path, depth, out);
    return;
  }
  if (depth === path.length) {
    const key = valueKey(node);
    if (key !== undefined) out.add(key);
    return;
  }
  if (isObject(node) && Object.hasOwn(node, path[depth]!))
    collectValues(node[path[depth]!], path, depth + 1, out);
}
