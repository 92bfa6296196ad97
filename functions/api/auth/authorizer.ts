import { randomBytes } from 'node:crypto';
import Hawk, { type HawkCredentials } from '@hapi/hawk';
import type { Context } from 'hono';
import { accessTokenMatches } from '../../core/accessToken.ts';
import { HooklineError } from '../../core/errors.ts';
import { missingScopes, SCOPE_PATTERN } from '../../core/scopes.ts';
import {
  CLIENT_ID_PATTERN,
  type ClientContext,
  type Credentials,
  clientUnusable,
  hawkKeyFor,
  noteClientUsed,
} from '../../app/clients.ts';
import type { ClientRecord } from '../../ports/clientStore.ts';
import type { ApiEnv, Authorizer, Caller } from '../authorization.ts';
import { redactedPath } from '../errors.ts';
import { MAX_BODY_BYTES, readStreamLimited, tooLarge } from '../requestBody.ts';
import { DEFAULT_RATE_LIMIT, type RateLimit, RateLimiter } from './rateLimiter.ts';
import { MemoryNonceCache, type NonceClaims } from './replayGuard.ts';
import { parseAmzDate, parseSigV4Header, sigV4SignatureMatches } from './sigv4.ts';

/**
 * The real Authorizer: who is calling (Bearer or Taskcluster's Hawk), may they (scopes), and not
 * too often (a token bucket per client).
 *
 * - `Authorization: Bearer <clientId>:<accessToken>` — checked against the stored verifier, with the
 *   server-side access-token key (`functions/app/clients.ts`).
 * - `Authorization: Hawk id=…, ts=…, nonce=…, mac=…` — what taskcluster-client sends; verified by
 *   @hapi/hawk with the host and port the client addressed, refused when the timestamp is more
 *   than 60 s off or the nonce was seen before. Taskcluster's `ext.authorizedScopes` narrows the
 *   scopes; temporary credentials (`ext.certificate`) are not supported. A payload hash, when the
 *   client sends one, is verified.
 *
 * - `Authorization: AWS4-HMAC-SHA256 …` — AWS Signature V4 with accessKeyId = clientId and
 *   secretAccessKey = access token, so an unchanged AWS SDK client can call the local
 *   EventBridge-compatible endpoint; X-Amz-Date within 5 minutes, a signature used once.
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
  /** Wall-clock milliseconds, for Hawk's timestamp check (tests). */
  now?: () => number;
}

const GENERIC_FAILURE =
  'authentication failed: the clientId or access token is unknown or wrong (send Authorization: Bearer <clientId>:<accessToken>, or sign with Hawk)';
const MISSING_CREDENTIALS =
  'this endpoint needs credentials: Authorization: Bearer <clientId>:<accessToken>, or Taskcluster Hawk (taskcluster-client with credentials)';

/** Hawk's own failure messages that say nothing secret; anything else is reported generically. */
const HAWK_REASONS = new Set([
  'Bad mac',
  'Stale timestamp',
  'Invalid nonce',
  'Missing attributes',
  'Bad header format',
  'Invalid header syntax',
  'Header length too long',
  'Bad payload hash',
  'Unknown credentials',
]);

class AuthFailure extends Error {
  constructor(
    readonly reason: string,
    readonly publicMessage: string,
    readonly record?: ClientRecord,
  ) {
    super(reason);
  }
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const ctx = options.clients;
  const imported = new Map((options.importedCredentials ?? []).map((c) => [c.clientId, c.accessToken]));
  const limiter =
    options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const nonces = options.nonces ?? new MemoryNonceCache();
  const skew = options.timestampSkewSec ?? 60;
  const now = options.now ?? (() => Date.now());

  async function authenticate(c: Context): Promise<Caller> {
    const existing = (c as Context<ApiEnv>).get('caller');
    if (existing) return existing;
    const header = c.req.header('authorization')?.trim() ?? '';
    const scheme = /^bearer\s/i.test(header)
      ? 'bearer'
      : /^hawk\s/i.test(header)
        ? 'hawk'
        : /^aws4-hmac-sha256\s/i.test(header)
          ? 'aws-sigv4'
          : undefined;
    let verified: { record: ClientRecord; scopes: string[] };
    try {
      if (!header) throw new AuthFailure('no credentials', MISSING_CREDENTIALS);
      if (!scheme) throw new AuthFailure('unsupported authorization scheme', MISSING_CREDENTIALS);
      verified =
        scheme === 'bearer'
          ? await bearer(header)
          : scheme === 'hawk'
            ? await hawk(c, header)
            : await sigv4(c, header);
      const unusable = clientUnusable(ctx, verified.record);
      if (unusable) throw new AuthFailure(unusable, unusable, verified.record);
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      ctx.logger.warn('authentication failed', {
        requestId: (c as Context<ApiEnv>).get('requestId'),
        method: c.req.method,
        path: redactedPath(new URL(c.req.url).pathname),
        scheme: scheme ?? (header ? 'other' : 'none'),
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
    const caller: Caller = { clientId: record.clientId, scopes, scheme };
    (c as Context<ApiEnv>).set('caller', caller);
    return caller;
  }

  async function lookup(clientId: string): Promise<ClientRecord | undefined> {
    return CLIENT_ID_PATTERN.test(clientId) ? ctx.store.getClient(clientId) : undefined;
  }

  async function bearer(header: string): Promise<{ record: ClientRecord; scopes: string[] }> {
    const value = header.replace(/^bearer\s+/i, '');
    // The token has no colon; a clientId may have some.
    const colon = value.lastIndexOf(':');
    if (colon <= 0 || colon === value.length - 1) {
      throw new AuthFailure(
        'malformed Bearer credentials (expected <clientId>:<accessToken>)',
        GENERIC_FAILURE,
      );
    }
    const record = await lookup(value.slice(0, colon));
    const ok = accessTokenMatches(ctx.accessTokenKey, record, value.slice(colon + 1));
    if (!record || !ok)
      throw new AuthFailure(record ? 'wrong access token' : 'unknown client', GENERIC_FAILURE, record);
    return { record, scopes: record.scopes };
  }

  async function hawk(c: Context, header: string): Promise<{ record: ClientRecord; scopes: string[] }> {
    const url = new URL(c.req.url);
    const target = hawkTarget(c, url, options.trustForwardedHeaders === true);
    let record: ClientRecord | undefined;
    let looked = false;
    let keyProblem: string | undefined;
    // A storage failure inside Hawk's callbacks is a 500, not a refusal: kept here and thrown after.
    let storageError: unknown;
    const credentialsFunc = async (id: string): Promise<HawkCredentials> => {
      looked = true;
      try {
        record = await lookup(id);
      } catch (error) {
        storageError = error;
        throw error;
      }
      const key = record ? hawkKeyFor(ctx, record, imported) : undefined;
      if (record && !key) {
        keyProblem = record.accessTokenNonce
          ? 'the stored token cannot be recomputed (did the service key change?)'
          : 'the token was imported and is not at hand for Hawk; use Bearer or reset the token';
      }
      // An unknown client gets a random key: the MAC is computed and fails like a wrong token's.
      return { key: key ?? randomBytes(32).toString('base64url'), algorithm: 'sha256', user: id };
    };
    const nonceFunc = async (_key: string, nonce: string, ts: string): Promise<void> => {
      const tsMs = Number(ts) * 1000;
      // A stale request is refused by Hawk right after this; its nonce need not be remembered.
      if (!Number.isFinite(tsMs) || Math.abs(tsMs - now()) > skew * 1000) return;
      if (!record || nonce.length > 200) throw new Error('unusable nonce');
      let fresh: boolean;
      try {
        fresh = await nonces.claim(record.clientId, `${ts}:${nonce}`, tsMs + skew * 1000 + 1000);
      } catch (error) {
        storageError = error;
        throw error;
      }
      if (!fresh) throw new Error('replayed');
    };
    let result: Awaited<ReturnType<typeof Hawk.server.authenticate>>;
    try {
      result = await Hawk.server.authenticate(
        {
          method: c.req.method,
          url: url.pathname + url.search,
          host: target.host,
          port: target.port,
          authorization: header,
          contentType: c.req.header('content-type') ?? '',
        },
        credentialsFunc,
        { timestampSkewSec: skew, nonceFunc, localtimeOffsetMsec: now() - Date.now() },
      );
    } catch (error) {
      if (storageError !== undefined) throw storageError;
      const message = (error as Error).message;
      const reason = HAWK_REASONS.has(message) ? message : 'invalid Hawk header';
      if (!looked) throw new AuthFailure(`Hawk: ${reason}`, GENERIC_FAILURE);
      if (!record || keyProblem || reason === 'Bad mac') {
        throw new AuthFailure(
          keyProblem ?? (record ? 'Hawk: Bad mac' : 'unknown client'),
          GENERIC_FAILURE,
          record,
        );
      }
      // The MAC was right (the caller holds the token): say what else was wrong.
      if (reason === 'Stale timestamp') {
        throw new AuthFailure(
          'Hawk: stale timestamp',
          `the request's Hawk timestamp is more than ${skew} s from the server's clock; check the clock and sign again`,
          record,
        );
      }
      if (reason === 'Invalid nonce') {
        throw new AuthFailure(
          'Hawk: replayed nonce',
          'this Hawk-signed request was already received; sign a new one',
          record,
        );
      }
      throw new AuthFailure(`Hawk: ${reason}`, GENERIC_FAILURE, record);
    }
    if (!record) throw new AuthFailure('unknown client', GENERIC_FAILURE);
    const { credentials, artifacts } = result;
    if (artifacts.hash) {
      const body = Buffer.from(await readBounded(c, MAX_BODY_BYTES));
      try {
        Hawk.server.authenticatePayload(body, credentials, artifacts, c.req.header('content-type') ?? '');
      } catch {
        throw new AuthFailure(
          'Hawk: bad payload hash',
          'the Hawk payload hash does not match the request body',
          record,
        );
      }
    }
    return { record, scopes: scopesFromExt(artifacts.ext, record) };
  }

  async function sigv4(c: Context, header: string): Promise<{ record: ClientRecord; scopes: string[] }> {
    const parsed = parseSigV4Header(header);
    if (!parsed) throw new AuthFailure('malformed AWS SigV4 header', GENERIC_FAILURE);
    const record = await lookup(parsed.clientId);
    const key = record ? hawkKeyFor(ctx, record, imported) : undefined;
    const date = parseAmzDate(c.req.header('x-amz-date'));
    const body = await readBounded(c, SIGV4_MAX_BODY_BYTES);
    // The signature is computed (with a random key for an unknown client) either way: same work.
    const matches = await sigV4SignatureMatches(
      c,
      parsed,
      key ?? randomBytes(32).toString('base64url'),
      date ?? new Date(0),
      body,
    );
    if (!record) throw new AuthFailure('unknown client', GENERIC_FAILURE);
    if (!key)
      throw new AuthFailure('the token cannot be produced for SigV4; reset it', GENERIC_FAILURE, record);
    if (!matches || !date) throw new AuthFailure('AWS SigV4: signature mismatch', GENERIC_FAILURE, record);
    const ms = date.getTime();
    if (
      Math.abs(ms - now()) > SIGV4_SKEW_MS ||
      date.toISOString().slice(0, 10).replaceAll('-', '') !== parsed.shortDate
    ) {
      throw new AuthFailure(
        'AWS SigV4: stale X-Amz-Date',
        "the request's X-Amz-Date is more than 5 minutes from the server's clock; check the clock and sign again",
        record,
      );
    }
    if (!(await nonces.claim(record.clientId, `sigv4:${parsed.signature}`, ms + SIGV4_SKEW_MS + 1000))) {
      throw new AuthFailure(
        'AWS SigV4: replayed',
        'this signed request was already received; sign a new one',
        record,
      );
    }
    return { record, scopes: record.scopes };
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

const SIGV4_SKEW_MS = 5 * 60 * 1000;
/** The most a SigV4-signed body may be (the local EventBridge endpoint's own limit). */
const SIGV4_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The body (from a clone of the request, so the route can still read it), refused with 413 past `max` bytes. */
async function readBounded(c: Context, max: number): Promise<Uint8Array> {
  if (Number(c.req.header('content-length') ?? '0') > max) throw tooLarge();
  return readStreamLimited(c.req.raw.clone().body, max);
}

/**
 * The host and port the client signed: the URL the request arrived at (the Node server builds it
 * from the Host header; the Lambda adapter from API Gateway's domain name, with https and so 443),
 * or a trusted proxy's X-Forwarded-* headers.
 */
export function hawkTarget(c: Context, url: URL, trustForwarded: boolean): { host: string; port: number } {
  let host = url.hostname;
  let port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (trustForwarded) {
    const forwardedHost = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
    const forwardedProto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    const forwardedPort = c.req.header('x-forwarded-port')?.split(',')[0]?.trim();
    if (forwardedHost) {
      const parsed = new URL(`http://${forwardedHost}`);
      host = parsed.hostname;
      port = parsed.port ? Number(parsed.port) : port;
    }
    if (forwardedProto === 'https' || forwardedProto === 'http') {
      if (!forwardedHost || !new URL(`http://${forwardedHost}`).port)
        port = forwardedProto === 'https' ? 443 : 80;
    }
    if (forwardedPort && /^\d{1,5}$/.test(forwardedPort)) port = Number(forwardedPort);
  }
  // Clients parse the URL the legacy way, where an IPv6 host has no brackets.
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

/**
 * Taskcluster's Hawk `ext` (base64 JSON): `authorizedScopes` narrows the request's scopes (they
 * must be within the client's own); `certificate` (temporary credentials) is refused.
 */
function scopesFromExt(ext: string | undefined, record: ClientRecord): string[] {
  if (!ext) return record.scopes;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(ext, 'base64').toString('utf8'));
  } catch {
    throw new AuthFailure(
      'Hawk: ext is not base64 JSON',
      'the Hawk ext attribute is not base64-encoded JSON',
      record,
    );
  }
  const value = (parsed ?? {}) as { certificate?: unknown; authorizedScopes?: unknown };
  if (value.certificate !== undefined) {
    throw new AuthFailure(
      'temporary credentials',
      'temporary credentials (a certificate in ext) are not supported by Hookline; use a client of its own',
      record,
    );
  }
  if (value.authorizedScopes === undefined) return record.scopes;
  const scopes = value.authorizedScopes;
  if (
    !Array.isArray(scopes) ||
    scopes.length > 1000 ||
    !scopes.every((s) => typeof s === 'string' && SCOPE_PATTERN.test(s))
  ) {
    throw new AuthFailure(
      'Hawk: bad authorizedScopes',
      'ext.authorizedScopes must be an array of scopes',
      record,
    );
  }
  const beyond = missingScopes(record.scopes, scopes as string[]);
  if (beyond.length) {
    throw new AuthFailure(
      'authorizedScopes beyond the client',
      `ext.authorizedScopes names scopes client ${record.clientId} does not hold: ${beyond.join(', ')}`,
      record,
    );
  }
  return scopes as string[];
}
