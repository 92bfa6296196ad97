import { fileURLToPath } from 'node:url';
import { handle } from 'hono/aws-lambda';
import { cloudServices, readServiceSecret } from '../adapters/aws/cloudServices.ts';
import { DynamoClientStore } from '../adapters/aws/dynamoClientStore.ts';
import { requireCloudSetting } from '../adapters/aws/environment.ts';
import { createApiApp } from '../api/app.ts';
import { createAuthorizer } from '../api/auth/authorizer.ts';
import { sharedNonceClaims } from '../api/auth/replayGuard.ts';
import {
  accessTokenKeyFrom,
  type ClientContext,
  type Credentials,
  importRootClient,
} from '../app/clients.ts';
import type { Services } from '../app/services.ts';
import type { ClientStore } from '../ports/clientStore.ts';

/**
 * The api function: API Gateway (HTTP API, payload 2.0) → the same Hono app `npm start` serves,
 * with the real authorizer. At cold start it makes sure the root client from the deploy secret
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
  return handle(createApiApp(services, { authorizer, clients, dashboard: CLOUD_DASHBOARD }));
}

/**
 * The dashboard build the CDK copies beside the bundle (infra/hooklineConstruct.ts, `dashboard/`); read
 * on first request, not at cold start. The cloud has no EventBridge endpoint of its own at `/`.
 */
const CLOUD_DASHBOARD = {
  distDir: fileURLToPath(new URL('./dashboard/', import.meta.url)),
  config: () => ({ eventBridgeEndpoint: false }),
};

type ApiHandler = ReturnType<typeof handle>;
let built: Promise<ApiHandler> | undefined;

async function build(): Promise<ApiHandler> {
  const services = await cloudServices('api');
  const secret = await readServiceSecret(requireCloudSetting('rootCredentialsSecretArn'));
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
