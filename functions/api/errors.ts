import type { Context } from 'hono';
import { type ErrorCode, HooklineError } from '../core/errors.ts';

/** A path with the secret of `…/trigger/{token}` replaced, for logs and error bodies. */
export function redactedPath(path: string): string {
  return path.replace(/(\/hooks\/[^/]+\/[^/]+\/trigger\/)[^/]+/, '$1***');
}

/** Taskcluster's error body: `{code, message, requestInfo}`. A trigger token is never echoed. */
export function errorBody(c: Context, code: ErrorCode | string, message: string) {
  const params = { ...(c.req.param() as Record<string, string>) };
  if (params.token !== undefined) params.token = '***';
  return {
    code,
    message,
    requestInfo: {
      method: c.req.method,
      path: redactedPath(new URL(c.req.url).pathname),
      params,
      time: new Date().toISOString(),
    },
  };
}

export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof HooklineError) {
    const headers: Record<string, string> = {};
    if (error.details?.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(error.details.retryAfterSeconds);
    // where in the request the problem is (a template or job path), when the error knows it
    const path = typeof error.details?.path === 'string' ? { path: error.details.path } : {};
    return c.json({ ...errorBody(c, error.code, error.message), ...path }, error.statusCode as 400, headers);
  }
  return c.json(errorBody(c, 'InternalServerError', 'internal error; see the server log'), 500);
}
