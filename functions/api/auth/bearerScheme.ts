import { accessTokenMatches } from '../../core/accessToken.ts';
import {
  AuthFailure,
  type CredentialScheme,
  GENERIC_FAILURE,
  type SchemeContext,
} from './credentialScheme.ts';

/**
 * `Authorization: Bearer <clientId>:<accessToken>`, checked against the stored verifier with the
 * server-side access-token key (functions/core/accessToken.ts).
 */
export function bearerScheme(context: SchemeContext): CredentialScheme {
  return {
    name: 'bearer',
    accepts: (header) => /^bearer\s/i.test(header),
    async verify(_c, header) {
      const value = header.replace(/^bearer\s+/i, '');
      // The token has no colon; a clientId may have some.
      const colon = value.lastIndexOf(':');
      if (colon <= 0 || colon === value.length - 1) {
        throw new AuthFailure(
          'malformed Bearer credentials (expected <clientId>:<accessToken>)',
          GENERIC_FAILURE,
        );
      }
      const record = await context.lookup(value.slice(0, colon));
      const ok = accessTokenMatches(context.clients.accessTokenKey, record, value.slice(colon + 1));
      if (!record || !ok)
        throw new AuthFailure(record ? 'wrong access token' : 'unknown client', GENERIC_FAILURE, record);
      return { record, scopes: record.scopes };
    },
  };
}
