import type { Context } from 'hono';
import {
  CLIENT_ID_PATTERN,
  type ClientContext,
  type Credentials,
  clientUnusable,
  noteClientUsed,
} from '../../app/clients.ts';
import { HooklineError } from '../../core/errors.ts';
import { missingScopes } from '../../core/scopes.ts';
import type { ApiEnv, Authorizer, Caller } from '../authorization.ts';
import { redactedPath } from '../errors.ts';
import { bearerScheme } from './bearerScheme.ts';
import {
  AuthFailure,
  type CredentialScheme,
  MISSING_CREDENTIALS,
  type SchemeContext,
  type VerifiedCaller,
} from './credentialScheme.ts';
import { hawkScheme } from './hawkScheme.ts';
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from './rateLimiter.ts';
import { MemoryNonceCache, type NonceClaims } from './replayGuard.ts';
import { sigv4Scheme } from './sigv4Scheme.ts';

/**
 * The real Authorizer: who is calling, may they (scopes), and not too often (a token bucket per
 * client). Who is calling is proved by one of the credential schemes (credentialScheme.ts): Bearer
 * (bearerScheme.ts), Taskcluster's Hawk (hawkScheme.ts) or AWS SigV4 (sigv4Scheme.ts).
 *
 * A missing or wrong credential is a 401 AuthenticationFailed; an unknown client and a wrong token
 * get the same message after the same work. Failures are logged without any secret.
 */
export interface AuthorizerOptions {
  clients: ClientContext;
  /**
   * Tokens the service knows from outside the table (the cloud root client's, from Secrets
   * Manager): Hawk needs the token itself, and these have no nonce to recompute it from.
   */
  importedCredentials?: Credentials[];
  /** Per-client limit; false turns it off (the cloud relies on API Gateway throttling). */
  rateLimit?: RateLimit | false;
  /** Where Hawk nonces are remembered; default in memory (one process). */
  nonces?: NonceClaims;
  /** Allowed clock difference for Hawk timestamps (seconds). Default 60. */
  timestampSkewSec?: number;
  /**
   * Behind a trusted reverse proxy: take the host, port and scheme the client used from
   * X-Forwarded-Host/-Port/-Proto. Off by default (a client could otherwise pick them).
   */
  trustForwardedHeaders?: boolean;
  /** Wall-clock milliseconds for the timestamp checks (default: the clients' clock, which also expires nonces). */
  now?: () => number;
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const ctx = options.clients;
  const imported = new Map((options.importedCredentials ?? []).map((c) => [c.clientId, c.accessToken]));
  const limiter =
    options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const context: SchemeContext = {
    clients: ctx,
    imported,
    nonces: options.nonces ?? new MemoryNonceCache(),
    now: options.now ?? (() => ctx.clock.now().getTime()),
    lookup: async (clientId) =>
      CLIENT_ID_PATTERN.test(clientId) ? ctx.store.getClient(clientId) : undefined,
  };
  const schemes: CredentialScheme[] = [
    bearerScheme(context),
    hawkScheme(context, {
      skew: options.timestampSkewSec ?? 60,
      trustForwardedHeaders: options.trustForwardedHeaders === true,
    }),
    sigv4Scheme(context),
  ];

  async function authenticate(c: Context): Promise<Caller> {
    const existing = (c as Context<ApiEnv>).get('caller');
    if (existing) return existing;
    const header = c.req.header('authorization')?.trim() ?? '';
    const scheme = schemes.find((candidate) => candidate.accepts(header));
    let verified: VerifiedCaller;
    try {
      if (!header) throw new AuthFailure('no credentials', MISSING_CREDENTIALS);
      if (!scheme) throw new AuthFailure('unsupported authorization scheme', MISSING_CREDENTIALS);
      verified = await scheme.verify(c, header);
      const unusable = clientUnusable(ctx, verified.record);
      if (unusable) throw new AuthFailure(unusable, unusable, verified.record);
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      ctx.logger.warn('authentication failed', {
        requestId: (c as Context<ApiEnv>).get('requestId'),
        method: c.req.method,
        path: redactedPath(new URL(c.req.url).pathname),
        scheme: scheme?.name ?? (header ? 'other' : 'none'),
        // Only the id of a client that exists: a mistyped header could put a token where the id goes.
        ...(error.record ? { clientId: error.record.clientId } : {}),
        reason: error.reason,
      });
      throw new HooklineError('AuthenticationFailed', error.publicMessage);
    }
    const { record, scopes } = verified;
    const wait = limiter?.take(record.clientId);
    if (wait !== undefined) {
      throw new HooklineError(
        'TooManyRequests',
        `client ${record.clientId} is sending too many requests; retry after ${wait} s`,
        { retryAfterSeconds: wait },
      );
    }
    await noteClientUsed(ctx, record);
    const caller: Caller = { clientId: record.clientId, scopes, scheme: scheme?.name };
    (c as Context<ApiEnv>).set('caller', caller);
    return caller;
  }

  const authorizer: Authorizer = async (c, requiredScopes) => {
    const caller = await authenticate(c);
    const missing = missingScopes(caller.scopes, requiredScopes);
    if (missing.length) {
      throw new HooklineError(
        'InsufficientScopes',
        `client ${caller.clientId} lacks the scope ${missing.join(', ')} needed for ${c.req.method} ${redactedPath(new URL(c.req.url).pathname)}`,
        { requiredScopes, missingScopes: missing },
      );
    }
    return caller;
  };
  authorizer.authenticate = authenticate;
  return authorizer;
}
