import type { Context } from 'hono';
import { HooklineError, inputError } from '../core/errors.ts';

/** Request bodies are JSON, at most 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting of objects and arrays a request body may have. Bodies are checked before they
 * are parsed, so a pathological body can never exhaust the stack of anything that walks it later
 * (the DynamoDB marshaller, structuredClone, JSON.stringify). Storage has tighter limits of its own.
 */
export const MAX_BODY_DEPTH = 64;

/** Keys refused anywhere in a body: they would replace an object's prototype where code copies it. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/**
 * Numbers a body may carry: what DynamoDB stores and reads back exactly (the SDK refuses integers
 * beyond 2^53 - 1, DynamoDB magnitudes under 1e-130; JSON's 1e309 parses to Infinity).
 */
export function storableNumber(n: number): boolean {
  const magnitude = Math.abs(n);
  return (
    Number.isFinite(n) && magnitude <= Number.MAX_SAFE_INTEGER && (magnitude === 0 || magnitude >= 1e-130)
  );
}

/**
 * Reads the JSON body; an empty body is `undefined`. Over 1 MiB (declared or streamed) is a 413,
 * malformed JSON a 400 saying where, a body nested too deep or carrying `__proto__` a 400.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const buffer = await readStreamLimited(c.req.raw.body);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
  if (text.trim() === '') return undefined;
  const depth = nestingDepth(text);
  if (depth > MAX_BODY_DEPTH) {
    throw inputError(`the request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new HooklineError(
      'MalformedPayload',
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  const problem = findProblem(value, 'body');
  if (problem) throw inputError(`the request body ${problem}`);
  return value;
}

/**
 * Reads a body stream, stopping with a 413 as soon as it passes `max` bytes (chunked bodies too).
 * Pass a clone's stream to leave the request's own body unread.
 */
export async function readStreamLimited(
  stream: ReadableStream<Uint8Array> | null,
  max: number = MAX_BODY_BYTES,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The deepest nesting of `[` and `{` in JSON text (outside strings), without parsing it. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/** The first forbidden key or unstorable number and where it is (`body.a.b`). Depth is already bounded. */
function findProblem(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') {
    return storableNumber(value)
      ? undefined
      : `has the number ${value} at ${path}, which cannot be stored (numbers are at most 2^53 - 1 in magnitude, and 0 or at least 1e-130)`;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findProblem(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `has the key "${key}" at ${path}; it is not allowed`;
    const found = findProblem((value as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

export function tooLarge() {
  return new HooklineError(
    'PayloadTooLarge',
    `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`,
  );
}
