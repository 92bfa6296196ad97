import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createAuthorizer } from '../../functions/api/auth/authorizer.ts';
import type { RateLimit } from '../../functions/api/auth/rateLimiter.ts';
import type { Authorizer } from '../../functions/api/authorization.ts';
import { accessTokenKeyFrom } from '../../functions/core/accessToken.ts';
import {
  BOOTSTRAP_ACTOR,
  type ClientContext,
  type Credentials,
  credentialsValid,
  ensureRootClient,
  ROOT_CLIENT_ID,
  resetAccessToken,
} from '../../functions/app/clients.ts';
import type { Services } from '../../functions/app/services.ts';
import type { ClientStore } from '../../functions/ports/clientStore.ts';

/**
 * Authentication for the local stack: the clients in the local store, the root client created at
 * first start with its credentials in `<dataDir>/credentials.json` (mode 0600), the Authorizer.
 */
export const CREDENTIALS_FILE = 'credentials.json';

export interface LocalAuth {
  authorizer: Authorizer;
  clients: ClientContext;
  /** The root client's credentials when known (created now, read from the file, or in memory). */
  rootCredentials?: Credentials;
  /** Where they are written (disk mode). */
  credentialsFile?: string;
}

export async function setUpLocalAuth(options: {
  services: Services;
  clientStore: ClientStore;
  dataDir: string | null;
  rateLimit?: RateLimit | false;
}): Promise<LocalAuth> {
  const { services, dataDir } = options;
  const clients: ClientContext = {
    store: options.clientStore,
    clock: services.clock,
    logger: services.logger,
    accessTokenKey: accessTokenKeyFrom(services.secrets.tokenKey),
  };
  const authorizer = createAuthorizer({ clients, rateLimit: options.rateLimit });
  const created = await ensureRootClient(clients, ROOT_CLIENT_ID);

  if (!dataDir) {
    // In memory: nothing survives the process, so the credentials go on the stack object.
    return { authorizer, clients, rootCredentials: created };
  }

  const file = join(dataDir, CREDENTIALS_FILE);
  if (created) {
    writeCredentialsFile(file, created);
    services.logger.info('root client created; its credentials are in the credentials file', {
      credentialsFile: file,
    });
    return { authorizer, clients, rootCredentials: created, credentialsFile: file };
  }
  if (!existsSync(file)) {
    // The root client exists but its credentials were lost: give it a new token, written anew.
    const reset = await resetAccessToken(clients, ROOT_CLIENT_ID, BOOTSTRAP_ACTOR);
    const credentials = { clientId: ROOT_CLIENT_ID, accessToken: reset.accessToken };
    writeCredentialsFile(file, credentials);
    services.logger.warn(
      'the credentials file was missing: the root client got a new access token, written there',
      {
        credentialsFile: file,
      },
    );
    return { authorizer, clients, rootCredentials: credentials, credentialsFile: file };
  }
  chmodSync(file, 0o600);
  const stored = readCredentialsFile(file);
  if (!stored || !(await credentialsValid(clients, stored))) {
    services.logger.warn(
      "the credentials file does not hold the root client's current credentials (was its token reset?); delete the file and restart to get new ones",
      { credentialsFile: file },
    );
    return { authorizer, clients, credentialsFile: file };
  }
  return { authorizer, clients, rootCredentials: stored, credentialsFile: file };
}

/** Writes `{"clientId","accessToken"}` with mode 0600 (a new file, renamed into place). */
export function writeCredentialsFile(file: string, credentials: Credentials): void {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(
      temp,
      `${JSON.stringify({ clientId: credentials.clientId, accessToken: credentials.accessToken }, null, 2)}\n`,
      { mode: 0o600, flag: 'wx' },
    );
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

export function readCredentialsFile(file: string): Credentials | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
    if (typeof value.clientId === 'string' && typeof value.accessToken === 'string') {
      return { clientId: value.clientId, accessToken: value.accessToken };
    }
  } catch {
    // unreadable or not JSON
  }
  return undefined;
}

/** Whether `host` is a loopback address (or `localhost`). */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}
