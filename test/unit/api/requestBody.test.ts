import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  MAX_BODY_BYTES,
  MAX_BODY_DEPTH,
  nestingDepth,
  readJsonBody,
  readStreamLimited,
  storableNumber,
} from '../../../functions/api/requestBody.ts';
import { HooklineError } from '../../../functions/core/errors.ts';

/**
 * Request bodies (functions/api/requestBody.ts): JSON, at most 1 MiB whether declared or streamed,
 * nested at most 64 deep, without `__proto__` keys or numbers DynamoDB cannot store; each refusal a
 * 4xx naming the problem.
 */
const app = new Hono();
app.post('/', async (c) => c.json({ body: (await readJsonBody(c)) ?? 'absent' }));
app.onError((error, c) => {
  if (!(error instanceof HooklineError)) throw error;
  return c.json({ code: error.code, message: error.message }, error.statusCode as 400);
});

async function send(body: BodyInit | null, headers: Record<string, string> = {}) {
  const res = await app.request('/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return {
    status: res.status,
    body: (await res.json()) as { body?: unknown; code?: string; message?: string },
  };
}

/** A body streamed in chunks without a Content-Length. */
function chunked(
  total: number,
  chunk = 64 * 1024,
): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(chunk, total - sent);
      const bytes = new Uint8Array(size).fill(0x20); // spaces: JSON whitespace
      if (sent === 0) bytes[0] = 0x31; // "1"
      sent += size;
      controller.enqueue(bytes);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('readJsonBody', () => {
  it('answers the parsed JSON, and undefined for an empty or blank body', async () => {
    expect(await send('{"a":[1,"two",null,true]}')).toEqual({
      status: 200,
      body: { body: { a: [1, 'two', null, true] } },
    });
    expect(await send(null)).toEqual({ status: 200, body: { body: 'absent' } });
    expect(await send(' \n\t ')).toEqual({ status: 200, body: { body: 'absent' } });
  });

  it('refuses a declared Content-Length over 1 MiB with a 413 before reading', async () => {
    const res = await send('{}', { 'content-length': String(MAX_BODY_BYTES + 1) });
    expect(res).toEqual({
      status: 413,
      body: { code: 'PayloadTooLarge', message: 'the request body is larger than 1048576 bytes (1 MiB)' },
    });
  });

  it('refuses a streamed body once it passes 1 MiB, and stops reading it', async () => {
    const over = chunked(MAX_BODY_BYTES + 1);
    expect((await send(over.stream)).body.code).toBe('PayloadTooLarge');
    expect(over.cancelled()).toBe(true);
    const exactly = chunked(MAX_BODY_BYTES);
    expect(await send(exactly.stream)).toEqual({ status: 200, body: { body: 1 } });
  });

  it('refuses malformed JSON with a 400 saying where', async () => {
    const res = await send('{"a": 1,}');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MalformedPayload');
    expect(res.body.message).toMatch(/^the request body is not valid JSON: .*position 8/);
  });

  it(`takes nesting ${MAX_BODY_DEPTH} deep and refuses one more, before parsing`, async () => {
    expect((await send(nested(MAX_BODY_DEPTH))).status).toBe(200);
    expect(await send(nested(MAX_BODY_DEPTH + 1))).toEqual({
      status: 400,
      body: { code: 'InputError', message: 'the request body is nested deeper than 64 levels' },
    });
    // Too deep is refused even where the JSON would not parse (nothing walks it).
    expect((await send(`${'{"a":'.repeat(100_000)}`)).body.message).toMatch(/nested deeper than 64/);
  });

  it('refuses a __proto__ key anywhere, naming where', async () => {
    expect(await send('{"a":{"list":[{"__proto__":{"admin":true}}]}}')).toEqual({
      status: 400,
      body: {
        code: 'InputError',
        message: 'the request body has the key "__proto__" at body.a.list[0]; it is not allowed',
      },
    });
    expect((await send('{"constructor":{"prototype":{}}}')).status).toBe(200);
  });

  it.each([
    ['2^53', '9007199254740992', '9007199254740992'],
    ['-2^53', '-9007199254740992', '-9007199254740992'],
    ['1e309 (Infinity once parsed)', '1e309', 'Infinity'],
    ['a magnitude under 1e-130', '1e-131', '1e-131'],
  ])('refuses the number %s, naming where it is', async (_name, text, shown) => {
    const res = await send(`{"x":[0,${text}]}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      `the request body has the number ${shown} at body.x[1], which cannot be stored (numbers are at most 2^53 - 1 in magnitude, and 0 or at least 1e-130)`,
    );
  });

  it('takes the numbers DynamoDB stores exactly', async () => {
    const text = '[9007199254740991,-9007199254740991,0,-0,1e-130,1.5,123456.789]';
    expect((await send(text)).body).toEqual({
      body: [9007199254740991, -9007199254740991, 0, 0, 1e-130, 1.5, 123456.789],
    });
  });
});

describe('storableNumber', () => {
  it('is true inside the bounds and false outside', () => {
    for (const n of [0, -0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e-130, -1e-130, 0.5])
      expect(storableNumber(n), String(n)).toBe(true);
    for (const n of [Number.MAX_SAFE_INTEGER + 1, 1e-131, -1e-131, Number.NaN, Infinity, -Infinity, 5e-324])
      expect(storableNumber(n), String(n)).toBe(false);
  });
});

describe('nestingDepth', () => {
  it('counts [ and { outside strings, escapes included', () => {
    expect(nestingDepth('')).toBe(0);
    expect(nestingDepth('42')).toBe(0);
    expect(nestingDepth('{"a":[{"b":[]}]}')).toBe(4);
    expect(nestingDepth('[[],[[]],[]]')).toBe(3);
    expect(nestingDepth('["[[[[", "{{{"]')).toBe(1);
    expect(nestingDepth('["a \\"[[[ still a string", {}]')).toBe(2);
    expect(nestingDepth('["\\\\", [[]]]')).toBe(3);
  });
});

describe('readStreamLimited', () => {
  it('reads a stream whole within the limit and answers no bytes for no stream', async () => {
    const { stream } = chunked(1000, 100);
    expect((await readStreamLimited(stream, 1000)).byteLength).toBe(1000);
    expect((await readStreamLimited(null)).byteLength).toBe(0);
  });

  it('stops at the limit it is given with a 413, cancelling the stream', async () => {
    const over = chunked(1001, 100);
    await expect(readStreamLimited(over.stream, 1000)).rejects.toMatchObject({
      code: 'PayloadTooLarge',
      statusCode: 413,
    });
    expect(over.cancelled()).toBe(true);
  });
});
