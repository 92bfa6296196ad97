import type { Context } from 'hono';
import { type ErrorCode, HooklineError } from '../core/errors.ts';

/** Taskcluster's error body: `{code, message, requestInfo}`. */
export function errorBody(c: Context, code: ErrorCode | string, message: string) {
  return {
    code,
    message,
    requestInfo: {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      params: c.req.param() as Record<string, string>,
      time: new Date().toISOString(),
    },
  };
}

export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof HooklineError) {
    const headers: Record<string, string> = {};
    if (error.details?.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(error.details.retryAfterSeconds);
    return c.json(errorBody(c, error.code, error.message), error.statusCode as 400, headers);
  }
  return c.json(errorBody(c, 'InternalServerError', 'internal error; see the server log'), 500);
}
