import { randomBytes } from 'node:crypto';
import Hawk, { type HawkCredentials } from '@hapi/hawk';
import type { Context } from 'hono';
import { missingScopes, SCOPE_PATTERN } from '../../core/scopes.ts';
import { hawkKeyFor } from '../../app/clients.ts';
import type { ClientRecord } from '../../ports/clientStore.ts';
import { MAX_BODY_BYTES } from '../requestBody.ts';
import {
  AuthFailure,
  type CredentialScheme,
  GENERIC_FAILURE,
  readBounded,
  type SchemeContext,
} from './credentialScheme.ts';

/**
 * `Authorization: Hawk id=…, ts=…, nonce=…, mac=…`, what taskcluster-client sends: verified by
 * @hapi/hawk with the host and port the client addressed, refused when the timestamp is more than
 * `skew` seconds off or the nonce was seen before. Taskcluster's `ext.authorizedScopes` narrows the
 * scopes; temporary credentials (`ext.certificate`) are not supported. A payload hash, when the
 * client sends one, is verified.
 */
export function hawkScheme(
  context: SchemeContext,
  options: { skew: number; trustForwardedHeaders: boolean },
): CredentialScheme {
  const { skew, trustForwardedHeaders } = options;
  return {
    name: 'hawk',
    accepts: (header) => /^hawk\s/i.test(header),
    async verify(c, header) {
      const url = new URL(c.req.url);
      const target = hawkTarget(c, url, trustForwardedHeaders);
      let record: ClientRecord | undefined;
      let looked = false;
      let keyProblem: string | undefined;
      // A storage failure inside Hawk's callbacks is a 500, not a refusal: kept here and thrown after.
      let storageError: unknown;
      const credentialsFunc = async (id: string): Promise<HawkCredentials> => {
        looked = true;
        try {
          record = await context.lookup(id);
        } catch (error) {
          storageError = error;
          throw error;
        }
        const key = record ? hawkKeyFor(context.clients, record, context.imported) : undefined;
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
        if (!Number.isFinite(tsMs) || Math.abs(tsMs - context.now()) > skew * 1000) return;
        if (!record || nonce.length > 200) throw new Error('unusable nonce');
        let fresh: boolean;
        try {
          fresh = await context.nonces.claim(record.clientId, `${ts}:${nonce}`, tsMs + skew * 1000 + 1000);
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
          { timestampSkewSec: skew, nonceFunc, localtimeOffsetMsec: context.now() - Date.now() },
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
    },
  };
}

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
