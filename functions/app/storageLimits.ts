import { inputError } from '../core/errors.ts';

/**
 * What one DynamoDB item can hold (the same in the cloud and in dynalite's stricter moments): at most
 * 400 KB, and documents nested at most 32 levels. Values are checked against these before they are
 * written, so an oversized or too deeply nested input is a 400 naming the limit, never a 500 from the
 * store. The margins leave room for the item's other attributes and for the audit record, which keeps
 * an update's before and after.
 */
export const MAX_STORED_DEPTH = 28;
/** A hook definition, as JSON (the audit record of an update holds two). */
export const MAX_DEFINITION_BYTES = 128 * 1024;
/** A run's rendered job and payload together, as JSON. */
export const MAX_RUN_INPUT_BYTES = 300 * 1024;
/** A fire's error message is cut to this many characters. */
export const MAX_FIRE_ERROR_LENGTH = 4096;

/** Levels of nesting: a scalar is 0, `{}` and `[]` are 1, `{"a": []}` is 2. */
export function jsonDepth(value: unknown): number {
  return deepest(value).depth;
}

/** The nesting depth and the path to its deepest point (`a.b[0].c`). Iterative: any depth is safe. */
function deepest(value: unknown): { depth: number; path: string } {
  let best = { depth: 0, path: '' };
  const stack: Array<[unknown, number, string]> = [[value, 0, '']];
  while (stack.length > 0) {
    const [item, depth, path] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const here = depth + 1;
    if (here > best.depth) best = { depth: here, path };
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) stack.push([item[i], here, `${path}[${i}]`]);
    } else {
      for (const [key, child] of Object.entries(item))
        stack.push([child, here, path ? `${path}.${key}` : key]);
    }
  }
  return best;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/** Throws InputError when `value` could not be stored: deeper than MAX_STORED_DEPTH or over `maxBytes`. */
export function checkStorable(what: string, value: unknown, maxBytes: number): void {
  const { depth, path } = deepest(value);
  if (depth > MAX_STORED_DEPTH) {
    const where = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    throw inputError(
      `${what} is nested ${depth} levels deep (at ${where || 'its root'}); at most ${MAX_STORED_DEPTH} can be stored`,
    );
  }
  const bytes = jsonBytes(value);
  if (bytes > maxBytes)
    throw inputError(`${what} is ${bytes} bytes as JSON; at most ${maxBytes} can be stored`);
}

export function cutMessage(message: string): string {
  return message.length <= MAX_FIRE_ERROR_LENGTH
    ? message
    : `${message.slice(0, MAX_FIRE_ERROR_LENGTH - 40)}… (${message.length} characters, cut)`;
}
