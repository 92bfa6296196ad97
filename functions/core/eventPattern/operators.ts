import { parseCidr, parseIpAddress, sameBytes } from './ipAddress.ts';
import { describe, isPlainObject, type ValueTest } from './jsonValues.ts';
import { EventPatternError } from './patternError.ts';
import { type Anchor, ignoreCaseMatcher, wildcardMatcher } from './stringMatchers.ts';

/**
 * The match values of an event pattern: a scalar compared exactly, or a match expression with one
 * operator (`prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `numeric`, `cidr`,
 * `exists`), each validated as EventBridge does and compiled into a test of one event scalar.
 */

/** The guide: "Numeric matching ... is limited to values between -5.0e9 and +5.0e9 inclusive". */
export const NUMERIC_LIMIT = 5e9;

export function parseMatchValue(value: unknown, at: string): ValueTest | { exists: boolean } {
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

function ignoreCaseTest(text: string, anchor: Anchor): ValueTest {
  return stringTest(ignoreCaseMatcher(text, anchor));
}
