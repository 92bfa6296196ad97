/**
 * Amazon EventBridge event patterns ("content filtering"), validated and matched without AWS.
 *
 * The rules follow the EventBridge user guide (event patterns, content filtering, arrays, null
 * and empty values) and, where the guide is silent, the compiler of `aws/event-ruler`, the
 * open-source engine behind EventBridge (its `JsonRuleCompiler` decides what is rejected).
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

export type EventPattern = Record<string, unknown>;

export type EventPatternValidation = { ok: true } | { ok: false; message: string; path: string };

/** Matches one event (any JSON value; only objects can match) against a compiled pattern. */
export type CompiledEventPattern = (event: unknown) => boolean;

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
/** The guide: "Numeric matching ... is limited to values between -5.0e9 and +5.0e9 inclusive". */
export const NUMERIC_LIMIT = 5e9;

/** An invalid pattern; `path` is dotted with `[i]` indexes, e.g. `detail.state[0]`. */
export class EventPatternError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(path === '' ? reason : `${path}: ${reason}`);
    this.name = 'EventPatternError';
    this.path = path;
    this.reason = reason;
  }
}

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

// ---------------------------------------------------------------------------------------------
// Compiled form

type Scalar = string | number | boolean | null;
type ValueTest = (value: Scalar) => boolean;

/** The match values of one field: any test may pass; `exists` is kept apart. */
interface Leaf {
  readonly tests: readonly ValueTest[];
  readonly matchesPresent: boolean;
  readonly matchesAbsent: boolean;
}

interface PatternNode {
  readonly leaf: Leaf | undefined;
  readonly children: ReadonlyArray<readonly [string, PatternNode]>;
  /** Some child needs a present leaf, so the children must all be found in one array element. */
  readonly pinsElement: boolean;
}

/** One `$or`-free alternative: leaf path (JSON-encoded) -> the path and its match values. */
type Branch = Map<string, { readonly path: readonly string[]; readonly leaf: Leaf }>;

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

function parsePattern(pattern: unknown, maxLength: number): Branch[] {
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

function parseMatchValue(value: unknown, at: string): ValueTest | { exists: boolean } {
  if (typeof value === 'string') return exactStringTest(value);
  if (typeof value === 'number' && Number.isFinite(value)) return (v) => v === value;
  if (typeof value === 'boolean' || value === null) return (v) => v === value;
  if (isPlainObject(value)) return parseMatchExpression(value, at);
  throw new EventPatternError(
    at,
    `match value must be a string, number, true, false, null or a match expression, not ${describe(value)}`,
  );
}

/** A string that is an IP address matches the same address in any spelling (as event-ruler does). */
function exactStringTest(expected: string): ValueTest {
  const address = parseIpAddress(expected);
  if (address === undefined) return (v) => v === expected;
  return (v) => v === expected || (typeof v === 'string' && sameBytes(parseIpAddress(v), address));
}

function parseMatchExpression(
  expression: Record<string, unknown>,
  at: string,
): ValueTest | { exists: boolean } {
  const keys = Object.keys(expression);
  const operator = keys[0];
  if (operator === undefined || keys.length !== 1) {
    throw new EventPatternError(
      at,
      `a match expression must have exactly one operator, found ${keys.length}`,
    );
  }
  const operand = expression[operator];
  switch (operator) {
    case 'prefix':
      return parseAffix('prefix', operand, at);
    case 'suffix':
      return parseAffix('suffix', operand, at);
    case 'equals-ignore-case':
      return ignoreCaseTest(requireString('"equals-ignore-case"', operand, at), 'whole');
    case 'wildcard':
      return stringTest(wildcardMatcher(requireString('"wildcard"', operand, at), '"wildcard"', at));
    case 'anything-but':
      return parseAnythingBut(operand, at);
    case 'numeric':
      return parseNumeric(operand, at);
    case 'cidr':
      return parseCidr(requireString('"cidr"', operand, at), at);
    case 'exists':
      if (typeof operand !== 'boolean') throw new EventPatternError(at, '"exists" must be true or false');
      return { exists: operand };
    default:
      throw new EventPatternError(at, `unrecognized match type "${operator}"`);
  }
}

/** `prefix`/`suffix`: a string, or `{"equals-ignore-case": string}`. */
function parseAffix(kind: 'prefix' | 'suffix', operand: unknown, at: string): ValueTest {
  if (typeof operand === 'string') {
    return kind === 'prefix'
      ? stringTest((s) => s.startsWith(operand))
      : stringTest((s) => s.endsWith(operand));
  }
  if (!isPlainObject(operand)) throw new EventPatternError(at, `"${kind}" must be a string`);
  const keys = Object.keys(operand);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
    throw new EventPatternError(at, `"${kind}" takes a string or an object with only "equals-ignore-case"`);
  }
  const text = requireString(`"${kind}"."equals-ignore-case"`, operand['equals-ignore-case'], at);
  return ignoreCaseTest(text, kind);
}

function parseAnythingBut(operand: unknown, at: string): ValueTest {
  if (typeof operand === 'string') return (v) => v !== operand;
  if (typeof operand === 'number' && Number.isFinite(operand)) {
    checkNumericLimit('"anything-but"', operand, at);
    return (v) => v !== operand;
  }
  if (Array.isArray(operand)) return anythingButList(operand, at);
  if (isPlainObject(operand)) return anythingButOperator(operand, at);
  throw new EventPatternError(
    at,
    `"anything-but" must be a string, a number, a list of them, or an object with prefix, suffix, equals-ignore-case or wildcard, not ${describe(operand)}`,
  );
}

/** A list of only strings or only numbers; each type excludes only values of that type. */
function anythingButList(values: readonly unknown[], at: string): ValueTest {
  const allStrings = values.every((v) => typeof v === 'string');
  const allNumbers = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0 || !(allStrings || allNumbers)) {
    throw new EventPatternError(
      at,
      '"anything-but" list must be non-empty and hold only strings or only numbers',
    );
  }
  if (allNumbers) for (const n of values as number[]) checkNumericLimit('"anything-but"', n, at);
  const excluded = new Set<unknown>(values);
  return (v) => !excluded.has(v);
}

const ANYTHING_BUT_OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

function anythingButOperator(operand: Record<string, unknown>, at: string): ValueTest {
  const keys = Object.keys(operand);
  const operator = keys[0];
  if (operator === undefined || keys.length !== 1) {
    throw new EventPatternError(
      at,
      `"anything-but" object must have exactly one operator, found ${keys.length}`,
    );
  }
  if (!ANYTHING_BUT_OPERATORS.has(operator)) {
    throw new EventPatternError(at, `unsupported "anything-but" operator "${operator}"`);
  }
  const name = `"anything-but"."${operator}"`;
  const excluded = anythingButStrings(name, operand[operator], at).map((text) =>
    excludedStringMatcher(operator, text, name, at),
  );
  return (v) => typeof v !== 'string' || !excluded.some((isExcluded) => isExcluded(v));
}

function excludedStringMatcher(
  operator: string,
  text: string,
  name: string,
  at: string,
): (s: string) => boolean {
  if (operator === 'equals-ignore-case') return ignoreCaseMatcher(text, 'whole');
  if (operator === 'wildcard') return wildcardMatcher(text, name, at);
  if (text === '') throw new EventPatternError(at, `${name} must not be empty`);
  return operator === 'prefix' ? (s) => s.startsWith(text) : (s) => s.endsWith(text);
}

function anythingButStrings(name: string, operand: unknown, at: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every((v) => typeof v === 'string')) {
    return operand as string[];
  }
  throw new EventPatternError(at, `${name} must be a string or a non-empty list of strings`);
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** `["=", n]`, `["<" | "<=", n]`, or `[">" | ">=", n]` optionally followed by `"<" | "<=", m` with n < m. */
function parseNumeric(operand: unknown, at: string): ValueTest {
  if (!Array.isArray(operand))
    throw new EventPatternError(at, `"numeric" must be an array, not ${describe(operand)}`);
  const first = operand[0];
  if (typeof first !== 'string' || !NUMERIC_OPERATORS.has(first)) {
    throw new EventPatternError(
      at,
      `"numeric" must start with one of =, <, <=, >, >=; got ${describe(first)}`,
    );
  }
  const bound = numericOperand(first, operand[1], at);
  if (first === '=') {
    expectNumericLength(operand, 2, at);
    return (v) => v === bound;
  }
  if (first === '<' || first === '<=') {
    expectNumericLength(operand, 2, at);
    return numericRange(Number.NEGATIVE_INFINITY, false, bound, first === '<');
  }
  if (operand.length === 2) return numericRange(bound, first === '>', Number.POSITIVE_INFINITY, false);
  const second = operand[2];
  if (second !== '<' && second !== '<=') {
    throw new EventPatternError(at, `"numeric" range must close with "<" or "<=", got ${describe(second)}`);
  }
  const top = numericOperand(second, operand[3], at);
  expectNumericLength(operand, 4, at);
  if (!(bound < top)) {
    throw new EventPatternError(
      at,
      `"numeric" range lower bound ${bound} must be less than upper bound ${top}`,
    );
  }
  return numericRange(bound, first === '>', top, second === '<');
}

function numericOperand(operator: string, value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EventPatternError(
      at,
      `"numeric" value after "${operator}" must be a number, not ${describe(value)}`,
    );
  }
  checkNumericLimit('"numeric"', value, at);
  return value;
}

function expectNumericLength(operand: readonly unknown[], length: number, at: string): void {
  if (operand.length > length) throw new EventPatternError(at, '"numeric" has too many elements');
}

function checkNumericLimit(name: string, value: number, at: string): void {
  if (Math.abs(value) > NUMERIC_LIMIT) {
    throw new EventPatternError(at, `${name} values must be between -5e9 and 5e9, got ${value}`);
  }
}

function numericRange(bottom: number, openBottom: boolean, top: number, openTop: boolean): ValueTest {
  return (v) =>
    typeof v === 'number' && (openBottom ? v > bottom : v >= bottom) && (openTop ? v < top : v <= top);
}

function requireString(name: string, value: unknown, at: string): string {
  if (typeof value !== 'string') throw new EventPatternError(at, `${name} must be a string`);
  return value;
}

function stringTest(test: (s: string) => boolean): ValueTest {
  return (v) => typeof v === 'string' && test(v);
}

// ---------------------------------------------------------------------------------------------
// equals-ignore-case and wildcard

type Anchor = 'whole' | 'prefix' | 'suffix';

function ignoreCaseTest(text: string, anchor: Anchor): ValueTest {
  return stringTest(ignoreCaseMatcher(text, anchor));
}

/** Each character of `text` matches itself, its lower case or its upper case (event-ruler's rule). */
function ignoreCaseMatcher(text: string, anchor: Anchor): (s: string) => boolean {
  let source = '';
  for (const char of text) {
    const variants = [...new Set([char, char.toLowerCase(), char.toUpperCase()])].map(escapeRegExp);
    source += variants.length === 1 ? variants[0] : `(?:${variants.join('|')})`;
  }
  const regExp = new RegExp(
    `${anchor === 'suffix' ? '' : '^'}${source}${anchor === 'prefix' ? '' : '$'}`,
    'u',
  );
  return (s) => regExp.test(s);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Splits on unescaped `*`; `\*` is a literal star, `\\` a backslash; `**` and other escapes are errors. */
function parseWildcard(text: string, name: string, at: string): string[] {
  const segments: string[] = [];
  let segment = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '*') {
      if (text[i + 1] === '*')
        throw new EventPatternError(at, `${name} has consecutive wildcard characters at ${i}`);
      segments.push(segment);
      segment = '';
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new EventPatternError(
          at,
          `${name} has an invalid escape at ${i} (only \\* and \\\\ are allowed)`,
        );
      }
      segment += next;
      i++;
    } else {
      segment += char;
    }
  }
  segments.push(segment);
  return segments;
}

/** Glob match in linear passes: first segment is a prefix, last a suffix, the rest found in order. */
function wildcardMatcher(text: string, name: string, at: string): (s: string) => boolean {
  const segments = parseWildcard(text, name, at);
  const first = segments[0] ?? '';
  if (segments.length === 1) return (s) => s === first;
  const last = segments[segments.length - 1] ?? '';
  const middle = segments.slice(1, -1).filter((segment) => segment !== '');
  const minLength = segments.reduce((sum, segment) => sum + segment.length, 0);
  return (s) => {
    if (s.length < minLength || !s.startsWith(first) || !s.endsWith(last)) return false;
    const end = s.length - last.length;
    let position = first.length;
    for (const segment of middle) {
      const found = s.indexOf(segment, position);
      if (found === -1 || found + segment.length > end) return false;
      position = found + segment.length;
    }
    return true;
  };
}

// ---------------------------------------------------------------------------------------------
// IP addresses and CIDR

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** 4 or 16 bytes; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) becomes IPv4, as in Java. */
function parseIpAddress(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (!IPV6_SHAPE.test(text)) return undefined;
  const bytes = parseIpv6(text);
  if (bytes === undefined) return undefined;
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.').map((part) => Number.parseInt(part, 10));
  return parts.every((part) => part <= 255) ? Uint8Array.from(parts) : undefined;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.includes('::', gap + 1)) return undefined;
  const head = splitGroups(gap === -1 ? text : text.slice(0, gap));
  const tail = splitGroups(gap === -1 ? '' : text.slice(gap + 2));
  if (head === undefined || tail === undefined) return undefined;
  const count = head.length + tail.length;
  if (gap === -1 ? count !== 8 : count > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

function splitGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  if (!groups.every((group) => IPV6_GROUP.test(group))) return undefined;
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * `address/bits`. As in event-ruler, the mask must be below 32 (IPv4) or 128 (IPv6): a single
 * address is written as a plain string value instead.
 */
function parseCidr(text: string, at: string): ValueTest {
  const parts = text.split('/');
  const [addressText, bitsText] = parts;
  if (parts.length !== 2 || addressText === undefined || bitsText === undefined) {
    throw new EventPatternError(at, `"cidr" "${text}" is malformed: exactly one "/" is required`);
  }
  if (!/^\d+$/.test(bitsText)) {
    throw new EventPatternError(
      at,
      `"cidr" "${text}" is malformed: mask bits must be a non-negative integer`,
    );
  }
  const address = parseIpAddress(addressText);
  if (address === undefined) throw new EventPatternError(at, `"cidr" "${text}" has an invalid IP address`);
  const bits = Number(bitsText);
  const maxBits = address.length * 8 - 1;
  if (bits > maxBits) {
    throw new EventPatternError(
      at,
      `"cidr" "${text}": mask bits must be at most ${maxBits} (match one address with a plain string value)`,
    );
  }
  const network = maskAddress(address, bits);
  return (v) => {
    if (typeof v !== 'string') return false;
    const candidate = parseIpAddress(v);
    // sameBytes also compares lengths, so an IPv4 address never falls in an IPv6 block.
    return candidate !== undefined && sameBytes(maskAddress(candidate, bits), network);
  };
}

function maskAddress(address: Uint8Array, bits: number): Uint8Array {
  return address.map((byte, index) => {
    const keep = Math.min(8, Math.max(0, bits - index * 8));
    return byte & (0xff << (8 - keep)) & 0xff;
  });
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, index) => byte === b[index]);
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

// ---------------------------------------------------------------------------------------------
// Small helpers

function isScalar(value: unknown): value is Scalar {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}
