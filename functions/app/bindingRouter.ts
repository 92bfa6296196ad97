import { type CompiledEventPattern, compileEventPattern } from '../core/eventPattern/match.ts';
import type { HookDefinition } from '../core/hookDefinition.ts';
import { hookKey } from '../core/ids.ts';
import type { DeliveredEvent } from '../ports/bus.ts';
import { type HandledFire, handleFire } from './handleFire.ts';
import type { Services } from './services.ts';

/**
 * Routes events to the hooks bound to them: locally every event on the local bus, in the cloud every
 * event the bus rule delivers to the fire function (one rule instead of one per binding, so the number of
 * bindings is not bounded by EventBridge's rules quota; see app/storedBindings.ts). Every stored hook's
 * bindings are compiled once and cached; locally the cache follows hook changes (the local TriggerSync
 * calls hookChanged/hookRemoved), so an event is matched without a read.
 *
 * Matching is indexed, as EventBridge's engine is: each binding is filed under one field it requires to
 * hold one of a few exact values (`"detail": {"shard": [7]}`, `"detail-type": ["Run Finished"]`, the
 * `source` list — preferring the most specific), so an event is tested only against the bindings filed
 * under the values it actually has, plus the few that require no exact value anywhere. The index only
 * narrows the candidates; every candidate is still matched in full (core/eventPattern/match.ts).
 *
 * Each matching hook is handed to handleFire (app/handleFire.ts: read fresh, skipped when gone or no
 * longer bound, payload = detail, event = the whole event, run id derived from the event id, so a
 * duplicate delivery starts nothing).
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

/** What became of the event for one matched hook; `failed`: the store or the engine kept failing. */
export type RouteOutcome = HandledFire | { kind: 'failed'; message: string; runId?: undefined };

export interface RoutedFire {
  hookGroupId: string;
  hookId: string;
  outcome: RouteOutcome;
}

export interface BindingRouterOptions {
  /** Tries per matched hook when the store or the engine fails (the local bus retries here; the cloud
   *  fire function tries once and lets Lambda's asynchronous retries redeliver). Default 3. */
  deliveryAttempts?: number;
}

export class BindingRouter {
  private readonly byHook = new Map<string, Binding[]>();
  /** Indexed bindings, by the JSON of the field path they are filed under. */
  private readonly indexes = new Map<string, FieldIndex>();
  private readonly unindexed = new Set<Binding>();
  private stopping = false;

  private readonly deliveryAttempts: number;

  constructor(
    private readonly services: Services,
    options: BindingRouterOptions = {},
  ) {
    this.deliveryAttempts = Math.max(1, options.deliveryAttempts ?? 3);
  }

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
    for (let attempt = 0; attempt < this.deliveryAttempts; attempt++) {
      if (attempt > 0 && this.stopping) break;
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      try {
        const outcome = await handleFire(this.services, {
          kind: 'event',
          hookGroupId,
          hookId,
          event,
          recheckBindings: true,
        });
        return { hookGroupId, hookId, outcome };
      } catch (error) {
        lastError = error as Error;
      }
    }
    this.services.logger.error('event not delivered to hook', {
      hookGroupId,
      hookId,
      eventId: event.id,
      error: lastError?.message,
    });
    return { hookGroupId, hookId, outcome: { kind: 'failed', message: lastError?.message ?? 'failed' } };
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
