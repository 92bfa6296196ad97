import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { awsEndpointGuard, PUT_EVENTS_SCOPE } from '../../../../functions/api/auth/awsEndpointGuard.ts';
import type { Authorizer } from '../../../../functions/api/authorization.ts';
import { HooklineError } from '../../../../functions/core/errors.ts';

/** The guard of the local EventBridge-compatible endpoint, in front of a handler that answers 200. */
function endpoint(authorizer: Authorizer) {
  const app = new Hono();
  app.use('*', awsEndpointGuard(authorizer));
  app.all('/', (c) => c.json({ ok: true }));
  return app;
}

const call = (app: Hono, target: string, headers: Record<string, string> = {}) =>
  app.request('/', { method: 'POST', headers: { 'x-amz-target': target, ...headers }, body: '{}' });

function refusing(error: HooklineError): Authorizer {
  return async () => {
    throw error;
  };
}

describe('the local EventBridge endpoint guard', () => {
  it('asks PutEvents for hooks:put-events, other operations for credentials only', async () => {
    const asked: string[][] = [];
    const app = endpoint(async (_c, scopes) => {
      asked.push(scopes);
      return { clientId: 'c', scopes: [] };
    });
    expect((await call(app, 'AWSEvents.PutEvents')).status).toBe(200);
    expect((await call(app, 'AWSEvents.ListRules')).status).toBe(200);
    expect(asked).toEqual([[PUT_EVENTS_SCOPE], []]);
  });

  it('lets TestEventPattern (pure computation on the input) and non-POST requests through unchecked', async () => {
    const app = endpoint(refusing(new HooklineError('AuthenticationFailed', 'no')));
    expect((await call(app, 'AWSEvents.TestEventPattern')).status).toBe(200);
    expect((await app.request('/', { method: 'GET' })).status).toBe(200);
    expect((await call(app, 'AWSEvents.PutEvents')).status).toBe(403);
  });

  it.each([
    ['AuthenticationFailed', {}, 'MissingAuthenticationTokenException', 403],
    ['AuthenticationFailed', { authorization: 'Bearer x:y' }, 'UnrecognizedClientException', 403],
    ['InsufficientScopes', { authorization: 'Bearer x:y' }, 'AccessDeniedException', 400],
    ['TooManyRequests', { authorization: 'Bearer x:y' }, 'ThrottlingException', 400],
    ['PayloadTooLarge', { authorization: 'Bearer x:y' }, 'RequestEntityTooLargeException', 413],
    ['InternalServerError', { authorization: 'Bearer x:y' }, 'InternalFailure', 500],
  ] as const)(
    'answers %s in the AWS JSON error shape the SDK names (%j)',
    async (code, headers, type, status) => {
      const app = endpoint(refusing(new HooklineError(code, `refused: ${code}`)));
      const res = await call(app, 'AWSEvents.PutEvents', headers);
      expect(res.status).toBe(status);
      expect(res.headers.get('x-amzn-errortype')).toBe(type);
      expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(await res.json()).toEqual({ __type: type, message: `refused: ${code}` });
    },
  );

  it('passes on Retry-After when throttled', async () => {
    const app = endpoint(
      refusing(new HooklineError('TooManyRequests', 'slow down', { retryAfterSeconds: 7 })),
    );
    const res = await call(app, 'AWSEvents.PutEvents', { authorization: 'Bearer x:y' });
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('lets an error that is not a refusal propagate', async () => {
    const app = endpoint(async () => {
      throw new TypeError('a bug');
    });
    app.onError((error, c) => c.text(`caught ${error.message}`, 500));
    const res = await call(app, 'AWSEvents.PutEvents');
    expect(await res.text()).toBe('caught a bug');
  });
});
