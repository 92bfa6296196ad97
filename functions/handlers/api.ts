import { fileURLToPath } from 'node:url';
import { handle } from 'hono/aws-lambda';
import { cloudServices, serviceSecret } from '../adapters/aws/cloudServices.ts';
import { DynamoClientStore } from '../adapters/aws/dynamoClientStore.ts';
import { REPAIR_TRIGGERS_ACTION, requireCloudSetting } from '../adapters/aws/environment.ts';
import { createApiApp } from '../api/app.ts';
import { accessTokenKeyFrom } from '../core/accessToken.ts';
import { createAuthorizer } from '../api/auth/authorizer.ts';
import { sharedNonceClaims } from '../api/auth/replayGuard.ts';
import { type ClientContext, type Credentials, importRootClient } from '../app/clients.ts';
import type { Services } from '../app/services.ts';
import { repairOutOfSyncHooks } from '../app/syncTriggers.ts';
import { compileRoutes, encodedRequestPath } from '../adapters/aws/apiGatewayPath.ts';
import type { ClientStore } from '../ports/clientStore.ts';

/**
 * The api function: API Gateway (HTTP API, payload 2.0) → the same Hono app `npm start` serves,
 * with the real authorizer. The HTTP API hands over the path decoded; it is re-encoded first
 * (adapters/aws/apiGatewayPath.ts) so ids holding `/` route and Hawk-verify as the client sent them.
 * The stack's trigger-repair schedule also invokes it (`{action: 'repair-triggers'}`): only this
 * function may change schedules, so it reconciles the hooks left out of sync (app/syncTriggers.ts).
 * At cold start it makes sure the root client from the deploy secret
 * exists (idempotent: concurrent cold starts race on one conditional write). Hawk is verified
 * against the host the client addressed (API Gateway's domain, https, 443); nonces are shared
 * through the table so a replay to another container is refused too. The per-client rate limit is
 * API Gateway's throttling here, not the in-process token bucket.
 */
export async function createApiHandler(services: Services, clientStore: ClientStore, root: Credentials) {
  const clients: ClientContext = {
    store: clientStore,
    clock: services.clock,
    logger: services.logger,
    accessTokenKey: accessTokenKeyFrom(services.secrets.tokenKey),
  };
  const outcome = await importRootClient(clients, root);
  if (outcome !== 'unchanged')
    services.logger.info('root client bootstrapped from the deploy secret', {
      clientId: root.clientId,
      outcome,
    });
  const authorizer = createAuthorizer({
    clients,
    importedCredentials: [root],
    rateLimit: false,
    nonces: sharedNonceClaims(clientStore),
  });
  const app = createApiApp(services, { authorizer, clients, dashboard: CLOUD_DASHBOARD });
  const routes = compileRoutes(app.routes);
  const http = handle(app);
  return async (event: LambdaEvent, context: LambdaContext) => {
    // The stack's trigger-repair schedule (infra/hookline/triggers.ts): hooks left out of sync are reconciled.
    if (isRepairInvocation(event)) return { repaired: await repairOutOfSyncHooks(services) };
    return http(withEncodedPath(event, routes) as never, context as never);
  };
}

type LambdaEvent = Parameters<ReturnType<typeof handle>>[0] | { action: 'repair-triggers' };
type LambdaContext = Parameters<ReturnType<typeof handle>>[1];

function isRepairInvocation(event: unknown): event is { action: 'repair-triggers' } {
  return (event as { action?: unknown })?.action === REPAIR_TRIGGERS_ACTION;
}

/** The event with its path as the client sent it (adapters/aws/apiGatewayPath.ts). */
function withEncodedPath(event: LambdaEvent, routes: ReturnType<typeof compileRoutes>): LambdaEvent {
  const e = event as {
    rawPath?: string;
    path?: string;
    httpMethod?: string;
    requestContext?: { http?: { method?: string; path?: string } };
  };
  if (typeof e.rawPath === 'string' && e.requestContext?.http) {
    const rawPath = encodedRequestPath(e.requestContext.http.method ?? 'GET', e.rawPath, routes);
    return {
      ...e,
      rawPath,
      requestContext: { ...e.requestContext, http: { ...e.requestContext.http, path: rawPath } },
    } as LambdaEvent;
  }
  if (typeof e.path === 'string' && typeof e.httpMethod === 'string')
    return { ...e, path: encodedRequestPath(e.httpMethod, e.path, routes) } as LambdaEvent;
  return event;
}

type ApiHandler = Awaited<ReturnType<typeof createApiHandler>>;

/**
 * The dashboard build the CDK copies beside the bundle (infra/handlerCode.ts, `dashboard/`); read
 * on first request, not at cold start. The cloud has no EventBridge endpoint of its own at `/`.
 */
const CLOUD_DASHBOARD = {
  distDir: fileURLToPath(new URL('./dashboard/', import.meta.url)),
  config: () => ({ eventBridgeEndpoint: false }),
};

let built: Promise<ApiHandler> | undefined;

async function build(): Promise<ApiHandler> {
  const services = await cloudServices('api');
  const secret = await serviceSecret();
  const store = new DynamoClientStore({ tableName: requireCloudSetting('tableName') });
  return createApiHandler(services, store, { clientId: secret.clientId, accessToken: secret.accessToken });
}

export const handler = async (...args: Parameters<ApiHandler>) => {
  built ??= build().catch((error: unknown) => {
    built = undefined; // a failed cold start (e.g. Secrets Manager unreachable) is retried next time
    throw error;
  });
  return (await built)(...args);
};
