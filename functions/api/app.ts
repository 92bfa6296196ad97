import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HooklineError } from '../core/errors.ts';
import type { ClientContext } from '../app/clients.ts';
import type { Services } from '../app/services.ts';
import { awsEndpointGuard } from './auth/awsEndpointGuard.ts';
import { isPublicRoute, opensWithTicket } from './auth/publicRoutes.ts';
import type { ApiEnv, Authorizer } from './authorization.ts';
import { errorBody, errorResponse, redactedPath } from './errors.ts';
import { MAX_BODY_BYTES, tooLarge } from './requestBody.ts';
import { clientRoutes } from './routes/clients.ts';
import { type DashboardOptions, dashboardRoutes } from './routes/dashboard.ts';
import { eventRoutes } from './routes/events.ts';
import { hookRoutes } from './routes/hooks.ts';
import { hookConfigRoutes } from './routes/hookConfig.ts';
import { hookTypeRoutes } from './routes/hookTypes.ts';
import { reconcileRoutes } from './routes/reconcile.ts';
import { renderRoutes } from './routes/render.ts';
import { runEventRoutes } from './routes/runEvents.ts';
import { runRoutes } from './routes/runs.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { schedulePreviewRoutes } from './routes/schedulePreview.ts';
import { serviceRoutes } from './routes/service.ts';
import { signingSecretRoutes } from './routes/signingSecret.ts';
import { triggerRoutes } from './routes/triggers.ts';

/** The one HTTP application: served by `npm start` locally and by the api Lambda in the cloud. */
export const API_PREFIX = '/api/hooks/v1';

export interface ApiOptions {
  /** Decides who the caller is and whether they hold the scopes a route needs. */
  authorizer: Authorizer;
  /** The clients (and their API, `/clients`); absent when embedding without authentication. */
  clients?: ClientContext;
  /** The web dashboard served at `/` (routes/dashboard.ts); absent: `/` is the API's 404. */
  dashboard?: DashboardOptions;
  /** The application mounted at `/` (e.g. the local EventBridge-compatible endpoint). */
  rootRoutes?: Hono;
}

/** Allows everything: for embedding in tests of features that are not about authorization. */
export const allowAll: Authorizer = async () => ({ scopes: ['*'] });

/** Served by @hono/node-server (its env carries the Node request), not by the Lambda adapter. */
function isNodeServer(env: unknown): boolean {
  return typeof env === 'object' && env !== null && 'incoming' in env && 'outgoing' in env;
}

export function createApiApp(services: Services, options: ApiOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const startedAt = Date.now();

  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 100) ?? randomUUID();
    c.set('requestId', requestId);
    c.set('authorize', options.authorizer);
    const started = performance.now();
    const request = c.req.raw;
    await next();
    c.header('x-request-id', requestId);
    // Answered without reading the body the client sent (refused early: 401, 404, 413, a bad id)? Then
    // the connection is not reused: the Node adapter drops such a connection once it has answered, and a
    // client that reused it would see it reset under its next request.
    if (request.body && !request.bodyUsed && isNodeServer(c.env)) c.header('connection', 'close');
    services.logger.info('request', {
      requestId,
      method: c.req.method,
      path: redactedPath(new URL(c.req.url).pathname),
      status: c.res.status,
      ...(c.get('caller')?.clientId ? { clientId: c.get('caller')?.clientId } : {}),
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
  // Every endpoint refuses bodies over 1 MiB with 413, whether declared (content-length) or chunked.
  // (A declared length is checked for every method: the Node adapter never hands a GET body on.)
  api.use('*', async (c, next) => {
    if (Number(c.req.header('content-length') ?? '0') > MAX_BODY_BYTES) return errorResponse(c, tooLarge());
    await next();
  });
  api.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, tooLarge()) }));
  // Then who is calling: every endpoint but those declared public (functions/api/endpoints/, matched by
  // auth/publicRoutes.ts) refuses a request without valid credentials here, before its handler looks
  // at anything (401, or 429 over the limit); so does a path no endpoint has.
  const authenticate = options.authorizer.authenticate;
  if (authenticate) {
    api.use('*', async (c, next) => {
      const path = new URL(c.req.url).pathname.slice(API_PREFIX.length) || '/';
      if (!isPublicRoute(c.req.method, path) && !opensWithTicket(c.req.method, path, (q) => c.req.query(q)))
        await authenticate(c);
      await next();
    });
  }
  // Every endpoint is declared once (functions/api/endpoints/) and registered by its declaration.
  api.route('/', serviceRoutes(startedAt));
  api.route('/', hookRoutes(services));
  api.route('/', triggerRoutes(services));
  api.route('/', runRoutes(services));
  api.route('/', artifactRoutes(services));
  api.route('/', runEventRoutes(services));
  api.route('/', renderRoutes(services));
  api.route('/', signingSecretRoutes(services));
  if (options.clients) api.route('/', clientRoutes(options.clients));
  api.route('/', hookTypeRoutes(services));
  api.route('/', hookConfigRoutes(services));
  api.route('/', schedulePreviewRoutes(services));
  api.route('/', reconcileRoutes(services));
  api.route('/', eventRoutes(services));
  app.route(API_PREFIX, api);
  if (options.dashboard) app.route('/', dashboardRoutes(options.dashboard) as unknown as Hono<ApiEnv>);
  if (options.rootRoutes) {
    // With authentication on, the root routes (the local EventBridge endpoint) are guarded too.
    if (authenticate) app.use('/', awsEndpointGuard(options.authorizer));
    app.route('/', options.rootRoutes as unknown as Hono<ApiEnv>);
  }
  return app;
}
