import { type Agent, request as httpRequest } from 'node:http';
import { expect } from 'vitest';
import type { z } from 'zod';
import { errorResponseSchema } from '../../../functions/api/schemas.ts';
import type { ApiResponse } from '../../support/stack.ts';

/** Shared bits of the API tests. */

export type ErrorBody = z.infer<typeof errorResponseSchema>;

/** A job with one command step that does nothing. */
export const noopTask = { task: { name: 'noop', command: ['true'] } };

/** The keys a JSON-e context may carry (functions/core/render.ts, plus Hookline's `config`). */
export const CONTEXT_KEYS = [
  'firedBy',
  'payload',
  'clientId',
  'runId',
  'taskId',
  'now',
  'hook',
  'event',
  'config',
];

/**
 * A template whose one step prints the JSON-e context it was rendered with, as JSON, on stdout.
 * A command array runs without a shell; keys missing from the context are left out (`defined`).
 */
export function echoContextTask(): Record<string, unknown> {
  const echo: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) echo[key] = { $if: `defined("${key}")`, then: { $eval: key } };
  return { task: { name: 'echo', command: ['printf', '%s', { $json: echo }] } };
}

/** Asserts a response is an error in Taskcluster's shape with this status and code. */
export function expectError(
  res: ApiResponse<unknown>,
  status: number,
  code: string,
  messagePart?: string | RegExp,
) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { code } });
  const parsed = errorResponseSchema.safeParse(res.body);
  expect(parsed.success, `error body ${JSON.stringify(res.body)}`).toBe(true);
  if (messagePart !== undefined) expect((res.body as ErrorBody).message).toMatch(messagePart);
  return res.body as ErrorBody;
}

/** Asserts a body matches a response schema of the API (so the OpenAPI document tells the truth). */
export function expectShape<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new Error(`response does not match its schema: ${parsed.error.message}\n${JSON.stringify(body)}`);
  }
  return parsed.data;
}

export interface RawResponse {
  status: number;
  text: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A request through node:http, for what fetch will not send: a body on GET, a chunked body (no
 * content-length), a path exactly as written (no normalisation). Resolves with the response even
 * when the server answers before reading the whole body.
 */
export function rawRequest(
  baseUrl: string,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Send the body in this many chunks with Transfer-Encoding: chunked (no content-length). */
    chunks?: number;
    agent?: Agent;
  },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body && !options.chunks) headers['content-length'] = String(body.length);
    // node:http chunks by default only for methods that usually carry a body; say it for all
    if (body && options.chunks) headers['transfer-encoding'] = 'chunked';
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, text, body: parsed, headers: res.headers });
        });
      },
    );
    let answered = false;
    req.on('response', () => {
      answered = true;
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (!body) {
      req.end();
      return;
    }
    if (!options.chunks) {
      req.end(body);
      return;
    }
    const size = Math.ceil(body.length / options.chunks);
    let offset = 0;
    const pump = () => {
      while (offset < body.length && !answered) {
        const chunk = body.subarray(offset, offset + size);
        offset += size;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}
