import { RE2JS } from 're2js';

/**
 * Regular expressions written by users (a `triggerSchema`'s `pattern` and `patternProperties`, a hook
 * type's config schemas, the case-insensitive operators of event patterns) run on RE2 (`re2js`), whose
 * matching time is linear in the input: no pattern and payload can stall the server the way
 * JavaScript's backtracking engine does (`^(a+)+$` against 30 characters took seconds).
 *
 * RE2 has no backreferences and no lookarounds (they cannot be matched in linear time); a pattern using
 * them, or anything else RE2 cannot compile, is refused with a {@link NonLinearRegExpError} naming it,
 * so a hook that uses one is refused when it is created, not when it is triggered.
 * Patterns are written in JavaScript syntax (JSON Schema's ECMA-262 dialect); named groups,
 * `\u{…}` and `\cX` are translated to RE2's spelling.
 */

/** What ajv (its `code.regExp` option) and our matchers need of a regular expression. */
export interface LinearRegExp {
  /** Whether the expression matches anywhere in `input` (as `RegExp.prototype.test`). */
  test(input: string): boolean;
  /** `/source/flags`: ajv keys compiled patterns by it. */
  toString(): string;
}

/** A pattern that RE2 cannot run: the message names the pattern and why. */
export class NonLinearRegExpError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(
      `pattern "${pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern}" is not supported: ${reason}`,
    );
    this.name = 'NonLinearRegExpError';
  }
}

const LOOKAROUND = /\(\?<?[=!]/;

/** Whether `source` (valid JavaScript syntax) holds a backreference: `\1`…`\9…` or `\k<name>`. */
function hasBackreference(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue;
    const next = source[i + 1] ?? '';
    if ((next >= '1' && next <= '9') || next === 'k') return true;
    i++;
  }
  return false;
}

/**
 * Compiles `source`, written in JavaScript's Unicode-mode syntax (`u`, as ajv compiles JSON Schema
 * patterns), for RE2. Throws NonLinearRegExpError when it is not a valid pattern or RE2 cannot run it.
 */
export function compileLinearRegExp(source: string): LinearRegExp {
  try {
    // The JavaScript dialect is the one users write (JSON Schema's ECMA-262): its syntax decides what is
    // a pattern at all (re2js's translation alone would read an unknown escape such as `\q` as `q`).
    new RegExp(source, 'u');
  } catch (error) {
    throw new NonLinearRegExpError(
      source,
      `it is not a valid regular expression (${(error as Error).message})`,
    );
  }
  const linearOnly = '(user regular expressions run on RE2, which matches in linear time)';
  if (hasBackreference(source)) {
    throw new NonLinearRegExpError(source, `backreferences (\\1, \\k<name>) are not supported ${linearOnly}`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (error) {
    const reason = LOOKAROUND.test(source)
      ? `lookarounds ((?=…), (?!…), (?<=…), (?<!…)) are not supported ${linearOnly}`
      : `RE2 cannot compile it: ${(error as Error).message}`;
    throw new NonLinearRegExpError(source, reason);
  }
  const text = `/${source}/u`;
  return { test: (input) => compiled.test(input), toString: () => text };
}
