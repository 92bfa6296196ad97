import jsone from 'json-e';

/**
 * What went wrong in a JSON-e template, said with the path in the template (`task.command[1]`) and
 * without JSON-e's internals. JSON-e tags its own errors with a location; a few expressions it cannot
 * parse (an unfinished `${1 +` or `$eval: "a +"`) make it throw a bare TypeError instead, and those
 * are found by trying each expression of the template on its own.
 */
export interface TemplateProblem {
  /** Where in the hook's template, e.g. `task.tasks[0].command`. */
  path: string;
  message: string;
  /** The error holds whatever the context's values are (a syntax error, an unknown operator). */
  holdsForAnyInput: boolean;
}

type JsoneError = Error & { location?: string[] };

/** `root` names the template (`task`, or the hook type's `events.run`). */
export function describeTemplateError(template: unknown, error: unknown, root = 'task'): TemplateProblem {
  const e = error as JsoneError;
  if (Array.isArray(e?.location) && typeof e.message === 'string') {
    // InterpreterError/BuiltinError are about values; so is a TemplateError saying what a value must be
    const holdsForAnyInput =
      e.name === 'SyntaxError' || (e.name === 'TemplateError' && !/must (evaluate|be)/.test(e.message));
    return { path: root + e.location.join(''), message: withHint(e.message), holdsForAnyInput };
  }
  const located = findUnparsableExpression(template, root);
  if (located) return { ...located, holdsForAnyInput: true };
  return {
    path: root,
    message: 'an expression of the template cannot be parsed (incomplete or invalid syntax)',
    holdsForAnyInput: true,
  };
}

/** JSON-e reads `${…}` in every string: a shell's `${VAR}` becomes an unknown context value. */
function withHint(message: string): string {
  const unknown = /^unknown context value (\w+)$/.exec(message);
  if (!unknown) return message;
  return `${message} (JSON-e interpolates \${…} in strings: for a shell variable write $${unknown[1]} or $\${${unknown[1]}})`;
}

/** Operators whose value is an expression (the keys of $switch and $match are expressions too). */
const EXPRESSION_OPERATORS = new Set(['$eval', '$if', '$sort', '$reverse']);

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function parses(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    // a JSON-e error here is about the missing context, not the syntax
    return Array.isArray((error as JsoneError).location) || (error as Error).name === 'InterpreterError';
  }
}

function findUnparsableExpression(
  node: unknown,
  path: string,
): Omit<TemplateProblem, 'holdsForAnyInput'> | undefined {
  if (typeof node === 'string') {
    if (!parses(() => jsone({ v: node }, {})))
      return {
        path,
        message: `the string ${JSON.stringify(node.slice(0, 200))} has an unfinished or invalid \${…} expression`,
      };
    return undefined;
  }
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const found = findUnparsableExpression(item, pathOf(path, i));
      if (found) return found;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  const object = node as Record<string, unknown>;
  const isSwitch = '$switch' in object || '$match' in object;
  for (const [key, value] of Object.entries(object)) {
    const here = pathOf(path, key);
    if (
      EXPRESSION_OPERATORS.has(key) &&
      typeof value === 'string' &&
      !parses(() => jsone({ $eval: value }, {}))
    )
      return {
        path: here,
        message: `the expression ${JSON.stringify(value.slice(0, 200))} cannot be parsed (incomplete or invalid syntax)`,
      };
    if (isSwitch && (key === '$switch' || key === '$match') && value && typeof value === 'object') {
      for (const condition of Object.keys(value)) {
        if (!parses(() => jsone({ $eval: condition }, {})))
          return {
            path: pathOf(here, condition),
            message: `the condition ${JSON.stringify(condition.slice(0, 200))} cannot be parsed (incomplete or invalid syntax)`,
          };
      }
    }
    if (!key.startsWith('$') && !parses(() => jsone({ [key]: 1 }, {})))
      return {
        path: here,
        message: `the key ${JSON.stringify(key.slice(0, 200))} has an unfinished or invalid \${…} expression`,
      };
    const found = findUnparsableExpression(value, here);
    if (found) return found;
  }
  return undefined;
}
