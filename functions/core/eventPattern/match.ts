import { isRecord, isScalar } from './jsonValues.ts';
import {
  type Branch,
  type EventPattern,
  type EventPatternOptions,
  type Leaf,
  parsePattern,
} from './parse.ts';

/**
 * Matching events against a parsed pattern (./parse.ts).
 *
 * Matching, in short:
 * - A pattern is an object; every field named in it must match (AND). A field's value is
 *   either a nested object or a non-empty array of match values, any of which may match (OR).
 * - Only leaves (strings, numbers, booleans, null) are matched. An event array matches when any
 *   of its elements matches; arrays of objects are matched element by element, so two fields
 *   are never satisfied by different elements of the same array.
 * - A missing field matches nothing except `{"exists": false}`; `exists` looks at leaves only,
 *   so a field holding an object (or an empty array) counts as absent.
 * - Types are strict: `"5"` never equals `5`; numbers compare numerically (`3.0` equals `3`);
 *   `prefix`, `suffix`, `wildcard`, `equals-ignore-case` and `cidr` only match strings;
 *   `numeric` only matches numbers; `anything-but` matches any present leaf that is not
 *   excluded (so `{"anything-but": "x"}` matches the number 5, but never a missing field).
 * - `$or` (at any level) expands, as in EventBridge, into alternative sub-patterns.
 */

/** Matches one event (any JSON value; only objects can match) against a compiled pattern. */
export type CompiledEventPattern = (event: unknown) => boolean;

/**
 * Compiles a pattern once into a matcher; throws {@link EventPatternError} if it is invalid.
 * Without options the length limit is not applied (a raised AWS quota may allow more).
 */
export function compileEventPattern(pattern: unknown, options?: EventPatternOptions): CompiledEventPattern {
  const trees = parsePattern(pattern, options?.maxLength ?? Number.POSITIVE_INFINITY).map(buildTree);
  return (event) => isRecord(event) && trees.some((tree) => matchNode(tree, event));
}

const compiledByPattern = new WeakMap<object, CompiledEventPattern>();

/**
 * Whether `event` matches `pattern`. The compiled form is cached per pattern object, so treat
 * patterns as immutable once matched. Throws {@link EventPatternError} for an invalid pattern.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  let compiled = compiledByPattern.get(pattern);
  if (compiled === undefined) {
    compiled = compileEventPattern(pattern);
    compiledByPattern.set(pattern, compiled);
  }
  return compiled(event);
}

interface PatternNode {
  readonly leaf: Leaf | undefined;
  readonly children: ReadonlyArray<readonly [string, PatternNode]>;
  /** Some child needs a present leaf, so the children must all be found in one array element. */
  readonly pinsElement: boolean;
}

// ---------------------------------------------------------------------------------------------
// Trees and matching

interface MutableNode {
  leaf: Leaf | undefined;
  readonly children: Map<string, MutableNode>;
}

function buildTree(branch: Branch): PatternNode {
  const root: MutableNode = { leaf: undefined, children: new Map() };
  for (const { path, leaf } of branch.values()) {
    let node = root;
    for (const key of path) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = { leaf: undefined, children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
    node.leaf = leaf;
  }
  return freeze(root);
}

function freeze(node: MutableNode): PatternNode {
  const children = [...node.children].map(([key, child]) => [key, freeze(child)] as const);
  return { leaf: node.leaf, children, pinsElement: children.some(([, child]) => requiresPresence(child)) };
}

/** Whether the subtree can only match when some leaf under it is present. */
function requiresPresence(node: PatternNode): boolean {
  return (node.leaf !== undefined && !node.leaf.matchesAbsent) || node.pinsElement;
}

/**
 * Matches the event value at this node's path (`undefined` when missing). Arrays go to
 * {@link matchValues}; a single value needs no array consistency and allocates nothing.
 */
function matchNode(node: PatternNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const values: unknown[] = [];
    flattenInto(values, value);
    return matchValues(node, values);
  }
  if (node.leaf !== undefined && !matchLeafValue(node.leaf, value)) return false;
  if (node.children.length === 0) return true;
  return matchChildrenOf(node, isRecord(value) ? value : undefined);
}

function matchChildrenOf(node: PatternNode, object: Record<string, unknown> | undefined): boolean {
  for (const [key, child] of node.children) {
    const value = object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
    if (!matchNode(child, value)) return false;
  }
  return true;
}

/**
 * `values` are the event values at this node's path, arrays already flattened. Children that
 * need present leaves must all be found in the same object (array consistency); children that
 * only test absence look across all of them.
 */
function matchValues(node: PatternNode, values: readonly unknown[]): boolean {
  if (node.leaf !== undefined && !matchLeafValues(node.leaf, values)) return false;
  if (node.children.length === 0) return true;
  const objects = values.filter(isRecord);
  if (objects.length <= 1) return matchChildrenOf(node, objects[0]);
  if (node.pinsElement) return objects.some((object) => matchChildrenOf(node, object));
  for (const [key, child] of node.children) {
    const childValues: unknown[] = [];
    for (const object of objects) {
      if (Object.hasOwn(object, key)) flattenInto(childValues, object[key]);
    }
    if (!matchValues(child, childValues)) return false;
  }
  return true;
}

function matchLeafValue(leaf: Leaf, value: unknown): boolean {
  if (!isScalar(value)) return leaf.matchesAbsent;
  if (leaf.matchesPresent) return true;
  for (const test of leaf.tests) {
    if (test(value)) return true;
  }
  return false;
}

function matchLeafValues(leaf: Leaf, values: readonly unknown[]): boolean {
  let present = false;
  for (const value of values) {
    if (!isScalar(value)) continue;
    present = true;
    if (matchLeafValue(leaf, value)) return true;
  }
  return !present && leaf.matchesAbsent;
}

function flattenInto(out: unknown[], value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) flattenInto(out, element);
  } else if (value !== undefined) {
    out.push(value);
  }
}
