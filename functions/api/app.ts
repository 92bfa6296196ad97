import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { HooklineError } from '../core/errors.ts';
import type { Services } from '../app/services.ts';
import type { ApiEnv, Authorizer } from './authorization.ts';
import { errorBody, errorResponse } from './errors.ts';
import { hookRoutes } from './routes/hooks.ts';
import { runRoutes } from './routes/runs.ts';
import { signingSecretRoutes } from './routes/signingSecret.ts';
import { triggerRoutes } from './routes/triggers.ts';

/** The one HTTP application: served by `npm start` locally and by the api Lambda in the cloud. */
export const API_PREFIX = '/api/hooks/v1';

export interface ApiOptions {
  /** Decides who the caller is and whether they hold the scopes a route needs. */
  authorizer: Authorizer;
  /** Extra route groups (mounted under the API prefix), for features that add endpoints. */
  extraRoutes?: Array<(services: Services) => Hono<ApiEnv>>;
  /** The application mounted at `/` (e.g. the local EventBridge-compatible endpoint). */
  rootRoutes?: Hono;
}

/** Allows everything: for embedding in tests of features that are not about authorization. */
export const allowAll: Authorizer = async () => ({ scopes: ['*'] });

export function createApiApp(services: Services, options: ApiOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const startedAt = Date.now();

  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 100) ?? randomUUID();
    c.set('requestId', requestId);
    c.set('authorize', options.authorizer);
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
    services.logger.info('request', {
      requestId,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  app.onError((error, c) => {
    if (!(error instanceof HooklineError)) {
      services.logger.error('unhandled error', {
        requestId: c.get('requestId'),
        error: (error as Error).stack ?? String(error),
      });
    }
    return errorResponse(c, error);
  });

  app.notFound((c) =>
    c.json(
      errorBody(c, 'ResourceNotFound', `no endpoint ${c.req.method} ${new URL(c.req.url).pathname}`),
      404,
    ),
  );

  const api = new Hono<ApiEnv>();
  api.get('/ping', (c) => c.json({ alive: true, uptime: (Date.now() - startedAt) / 1000 }));
  api.route('/', hookRoutes(services));
  api.route('/', triggerRoutes(services));
  api.route('/', runRoutes(services));
  api.route('/', signingSecretRoutes(services));
  for (const extra of options.extraRoutes ?? []) api.route('/', extra(services));
  app.route(API_PREFIX, api);
  if (options.rootRoutes) app.route('/', options.rootRoutes as unknown as Hono<ApiEnv>);
  return app;
}
