import { randomBytes } from 'node:crypto';
import { hawkKeyFor } from '../../app/clients.ts';
import {
  AuthFailure,
  type CredentialScheme,
  GENERIC_FAILURE,
  readBounded,
  type SchemeContext,
} from './credentialScheme.ts';
import { parseAmzDate, parseSigV4Header, sigV4SignatureMatches } from './sigv4.ts';

/**
 * `Authorization: AWS4-HMAC-SHA256 …`: AWS Signature V4 with accessKeyId = clientId and
 * secretAccessKey = access token, so an unchanged AWS SDK client can call the local
 * EventBridge-compatible endpoint; X-Amz-Date within 5 minutes, a signature used once.
 */
export function sigv4Scheme(context: SchemeContext): CredentialScheme {
  return {
    name: 'aws-sigv4',
    accepts: (header) => /^aws4-hmac-sha256\s/i.test(header),
    async verify(c, header) {
      const parsed = parseSigV4Header(header);
      if (!parsed) throw new AuthFailure('malformed AWS SigV4 header', GENERIC_FAILURE);
      const record = await context.lookup(parsed.clientId);
      const key = record ? hawkKeyFor(context.clients, record, context.imported) : undefined;
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
        Math.abs(ms - context.now()) > SIGV4_SKEW_MS ||
        date.toISOString().slice(0, 10).replaceAll('-', '') !== parsed.shortDate
      ) {
        throw new AuthFailure(
          'AWS SigV4: stale X-Amz-Date',
          "the request's X-Amz-Date is more than 5 minutes from the server's clock; check the clock and sign again",
          record,
        );
      }
      if (
        !(await context.nonces.claim(record.clientId, `sigv4:${parsed.signature}`, ms + SIGV4_SKEW_MS + 1000))
      ) {
        throw new AuthFailure(
          'AWS SigV4: replayed',
          'this signed request was already received; sign a new one',
          record,
        );
      }
      return { record, scopes: record.scopes };
    },
  };
}

const SIGV4_SKEW_MS = 5 * 60 * 1000;
/** The most a SigV4-signed body may be (the local EventBridge endpoint's own limit). */
const SIGV4_MAX_BODY_BYTES = 4 * 1024 * 1024;
