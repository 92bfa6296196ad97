import type { Context } from 'hono';
import type { ClientContext } from '../../app/clients.ts';
import type { ClientRecord } from '../../ports/clientStore.ts';
import { readStreamLimited, tooLarge } from '../requestBody.ts';
import type { NonceClaims } from './replayGuard.ts';

/**
 * One way of proving who is calling (functions/api/auth/authorizer.ts tries each): Bearer
 * (bearerScheme.ts), Taskcluster's Hawk (hawkScheme.ts), AWS SigV4 (sigv4Scheme.ts). A scheme either
 * returns the client and the scopes this request carries, or throws AuthFailure (a 401 whose public
 * message says nothing secret); any other error (the store failed) is a 500.
 */
export interface CredentialScheme {
  name: 'bearer' | 'hawk' | 'aws-sigv4';
  /** Whether the Authorization header is this scheme's. */
  accepts(header: string): boolean;
  verify(c: Context, header: string): Promise<VerifiedCaller>;
}

export interface VerifiedCaller {
  record: ClientRecord;
  scopes: string[];
}

/** What every scheme checks against. */
export interface SchemeContext {
  clients: ClientContext;
  /** Tokens known from outside the table (the cloud root client's), by clientId. */
  imported: ReadonlyMap<string, string>;
  /** Where nonces and used signatures are remembered. */
  nonces: NonceClaims;
  /** Wall-clock milliseconds. */
  now: () => number;
  /** The client record, or undefined for an id that cannot be one or does not exist. */
  lookup(clientId: string): Promise<ClientRecord | undefined>;
}

export const GENERIC_FAILURE =
  'authentication failed: the clientId or access token is unknown or wrong (send Authorization: Bearer <clientId>:<accessToken>, or sign with Hawk)';
export const MISSING_CREDENTIALS =
  'this endpoint needs credentials: Authorization: Bearer <clientId>:<accessToken>, or Taskcluster Hawk (taskcluster-client with credentials)';

/** A refused credential: `reason` is logged, `publicMessage` answered. */
export class AuthFailure extends Error {
  constructor(
    readonly reason: string,
    readonly publicMessage: string,
    readonly record?: ClientRecord,
  ) {
    super(reason);
  }
}

/** The body (from a clone of the request, so the route can still read it), refused with 413 past `max` bytes. */
export async function readBounded(c: Context, max: number): Promise<Uint8Array> {
  if (Number(c.req.header('content-length') ?? '0') > max) throw tooLarge();
  return readStreamLimited(c.req.raw.clone().body, max);
}
