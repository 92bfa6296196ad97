/**
 * Amazon EventBridge event patterns ("content filtering"), validated and matched without AWS.
 *
 * The rules follow the EventBridge user guide (event patterns, content filtering, arrays, null
 * and empty values) and, where the guide is silent, the compiler of `aws/event-ruler`, the
 * open-source engine behind EventBridge (its `JsonRuleCompiler` decides what is rejected).
 *
 * This module parses and validates a pattern into its `$or`-free alternatives; ./match.ts matches them.
 */
import { describe, isPlainObject, joinPath, type ValueTest } from './jsonValues.ts';
import { parseMatchValue } from './operators.ts';
import { EventPatternError } from './patternError.ts';

export type EventPattern = Record<string, unknown>;

export type EventPatternValidation = { ok: true } | { ok: false; message: string; path: string };

export interface EventPatternOptions {
  /**
   * Longest pattern accepted, counted in characters of its minified JSON. EventBridge allows
   * 2048 by default and up to 4096 with a quota increase. `Infinity` turns the check off.
   */
  maxLength?: number;
}

/** AWS's default quota for the size of an event pattern. */
export const DEFAULT_MAX_PATTERN_LENGTH = 2048;
/** Hookline's own guards (AWS documents none): nesting depth and the `$or` expansion size. */
export const MAX_PATTERN_DEPTH = 100;
export const MAX_OR_ALTERNATIVES = 1000;
/** Checks a pattern the way EventBridge's PutRule does (InvalidEventPatternException). */
export function validateEventPattern(
  pattern: unknown,
  options?: EventPatternOptions,
): EventPatternValidation {
  try {
    parsePattern(pattern, options?.maxLength ?? DEFAULT_MAX_PATTERN_LENGTH);
    return { ok: true };
  } catch (error) {
    if (error instanceof EventPatternError) return { ok: false, message: error.message, path: error.path };
    throw error;
  }
}

/** The match values of one field: any test may pass; `exists` is kept apart. */
export interface Leaf {
  readonly tests: readonly ValueTest[];
  readonly matchesPresent: boolean;
  readonly matchesAbsent: boolean;
}

/** One `$or`-free alternative: leaf path (JSON-encoded) -> the path and its match values. */
export type Branch = Map<string, { readonly path: readonly string[]; readonly leaf: Leaf }>;

// ---------------------------------------------------------------------------------------------
// Parsing and validation

const OR_KEY = '$or';

/** Field names event-ruler refuses inside `$or` (operators, and names kept for future ones). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

export function parsePattern(pattern: unknown, maxLength: number): Branch[] {
  if (!isPlainObject(pattern)) {
    throw new EventPatternError('', `event pattern must be a JSON object, not ${describe(pattern)}`);
  }
  checkLength(pattern, maxLength);
  return parseObject(pattern, [], '', [new Map()], false, 1);
}

function checkLength(pattern: EventPattern, maxLength: number): void {
  if (maxLength === Number.POSITIVE_INFINITY) return;
  let length: number;
  try {
    length = JSON.stringify(pattern).length;
  } catch {
    throw new EventPatternError('', 'event pattern must be plain JSON (no cycles or special values)');
  }
  if (length > maxLength) {
    throw new EventPatternError(
      '',
      `event pattern is ${length} characters of JSON; the limit is ${maxLength}`,
    );
  }
}

/** Adds an object's fields to every branch; an `$or` multiplies the branches. */
function parseObject(
  object: Record<string, unknown>,
  fieldPath: readonly string[],
  where: string,
  branches: Branch[],
  insideOr: boolean,
  depth: number,
): Branch[] {
  if (depth > MAX_PATTERN_DEPTH)
    throw new EventPatternError(where, `nesting exceeds ${MAX_PATTERN_DEPTH} levels`);
  const keys = Object.keys(object);
  if (keys.length === 0) throw new EventPatternError(where, 'empty objects are not allowed');
  let current = branches;
  for (const key of keys) {
    const value = object[key];
    const at = joinPath(where, key);
    if (key === OR_KEY) {
      current = parseOr(value, fieldPath, at, current, depth);
    } else {
      if (insideOr && RESERVED_IN_OR.has(key)) {
        throw new EventPatternError(
          at,
          `"${key}" is a reserved keyword and cannot be a field name inside "$or"`,
        );
      }
      current = parseField(value, [...fieldPath, key], at, current, insideOr, depth);
    }
  }
  return current;
}

function parseField(
  value: unknown,
  fieldPath: readonly string[],
  at: string,
  branches: Branch[],
  insideOr: boolean,
  depth: number,
): Branch[] {
  if (Array.isArray(value)) {
    const leaf = parseLeaf(value, at);
    const key = JSON.stringify(fieldPath);
    for (const branch of branches) branch.set(key, { path: fieldPath, leaf });
    return branches;
  }
  if (isPlainObject(value)) return parseObject(value, fieldPath, at, branches, insideOr, depth + 1);
  throw new EventPatternError(
    at,
    `must be an array of match values or a nested object, not ${describe(value)}`,
  );
}

function parseOr(
  value: unknown,
  fieldPath: readonly string[],
  at: string,
  branches: Branch[],
  depth: number,
): Branch[] {
  if (!Array.isArray(value))
    throw new EventPatternError(at, `"$or" must be an array of objects, not ${describe(value)}`);
  if (value.length < 2) throw new EventPatternError(at, '"$or" must contain at least 2 objects');
  const result: Branch[] = [];
  value.forEach((alternative: unknown, index) => {
    const altAt = `${at}[${index}]`;
    if (!isPlainObject(alternative)) {
      throw new EventPatternError(altAt, `"$or" may contain only objects, not ${describe(alternative)}`);
    }
    const copies = branches.map((branch) => new Map(branch));
    result.push(...parseObject(alternative, fieldPath, altAt, copies, true, depth + 1));
    if (result.length > MAX_OR_ALTERNATIVES) {
      throw new EventPatternError(
        at,
        `"$or" expands to more than ${MAX_OR_ALTERNATIVES} alternative patterns`,
      );
    }
  });
  return result;
}

function parseLeaf(values: readonly unknown[], at: string): Leaf {
  if (values.length === 0) throw new EventPatternError(at, 'empty arrays are not allowed');
  const tests: ValueTest[] = [];
  let matchesPresent = false;
  let matchesAbsent = false;
  values.forEach((value: unknown, index) => {
    const parsed = parseMatchValue(value, `${at}[${index}]`);
    if (typeof parsed === 'function') tests.push(parsed);
    else if (parsed.exists) matchesPresent = true;
    else matchesAbsent = true;
  });
  return { tests, matchesPresent, matchesAbsent };
}
