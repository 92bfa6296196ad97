import type { Context } from 'hono';
import { HooklineError } from '../core/errors.ts';

/** Request bodies are JSON, at most 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the JSON body; an empty body is `undefined`. Malformed JSON is a 400 saying where. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const buffer = await c.req.arrayBuffer();
  if (buffer.byteLength > MAX_BODY_BYTES) throw tooLarge();
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HooklineError(
      'MalformedPayload',
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function tooLarge() {
  return new HooklineError(
    'PayloadTooLarge',
    `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`,
  );
}
