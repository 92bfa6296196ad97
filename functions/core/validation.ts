import type { z } from 'zod';
import { validationError } from './errors.ts';

/** Turns zod issues into one message that names each offending field, e.g. `metadata.owner: Invalid email address`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = ''): string {
  return issues
    .slice(0, 8)
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
      let message = issue.message;
      if (issue.code === 'unrecognized_keys')
        message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      return path ? `${path}: ${message}` : message;
    })
    .join('; ');
}

/** Parses `value` with `schema` or throws InputValidationError naming the fields. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  root = '',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(`invalid ${what}: ${describeIssues(result.error.issues, root)}`);
  return result.data;
}
