import type { MiddlewareHandler } from 'hono';
import { HooklineError } from '../../core/errors.ts';
import type { Authorizer } from '../authorization.ts';

/**
 * Guards the local EventBridge-compatible endpoint (`POST /` with `X-Amz-Target`, mounted beside the
 * API) the way the API is guarded: every operation but `TestEventPattern` (pure computation over the
 * caller's input) needs a Hookline client's credentials — AWS SigV4 from an unchanged SDK client
 * with accessKeyId = clientId and secretAccessKey = access token (Bearer and Hawk work too) — and
 * `PutEvents`, which fires hooks bound to events, needs the scope `hooks:put-events`. Refusals
 * come in AWS's JSON error shape so the SDK reports them by name.
 */
export const PUT_EVENTS_SCOPE = 'hooks:put-events';

const OPEN_TARGETS = new Set(['AWSEvents.TestEventPattern']);

export function awsEndpointGuard(authorizer: Authorizer): MiddlewareHandler {
  return async (c, next) => {
    const target = c.req.header('x-amz-target') ?? '';
    if (c.req.method !== 'POST' || OPEN_TARGETS.has(target)) return next();
    try {
      await authorizer(c, target === 'AWSEvents.PutEvents' ? [PUT_EVENTS_SCOPE] : []);
    } catch (error) {
      if (!(error instanceof HooklineError)) throw error;
      return awsError(error, !c.req.header('authorization'));
    }
    return next();
  };
}

function awsError(error: HooklineError, noCredentials: boolean): Response {
  const [type, status] =
    error.code === 'AuthenticationFailed'
      ? noCredentials
        ? ['MissingAuthenticationTokenException', 403]
        : ['UnrecognizedClientException', 403]
      : error.code === 'InsufficientScopes'
        ? ['AccessDeniedException', 400]
        : error.code === 'TooManyRequests'
          ? ['ThrottlingException', 400]
          : error.code === 'PayloadTooLarge'
            ? ['RequestEntityTooLargeException', 413]
            : ['InternalFailure', 500];
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': String(type),
  };
  if (error.details?.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(error.details.retryAfterSeconds);
  return new Response(JSON.stringify({ __type: type, message: error.message }), {
    status: Number(status),
    headers,
  });
}
