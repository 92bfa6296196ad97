import type { Page, PageRequest } from './store.ts';

/**
 * Clients (Taskcluster's model: a clientId, an access token and scopes), kept in the one table.
 * Every write is a single-item conditional write (dynalite has no transactions).
 */
export interface ClientRecord {
  clientId: string;
  description: string;
  scopes: string[];
  /** ISO time after which the client's credentials are refused. */
  expires: string;
  disabled: boolean;
  created: string;
  lastModified: string;
  /** Updated at most about once a minute (writes stay low); ISO time. */
  lastDateUsed: string;
  lastRotated: string;
  /** HMAC-SHA256(salt, accessToken), hex: the token itself is never stored. */
  accessTokenHash: string;
  /** 16 random bytes, hex, drawn anew with every token. */
  accessTokenSalt: string;
  /**
   * The random 256-bit nonce the token was derived from with the service key (absent for a token
   * imported from outside, e.g. the cloud root client's token from Secrets Manager). It lets the
   * server recompute the token as the Hawk MAC key, which Hawk needs; alone it reveals nothing.
   */
  accessTokenNonce?: string;
  /** Incremented by every change; conditional writes use it so concurrent changes never lose each other. */
  version: number;
}

/** A change to a client, naming who made it. Never holds a token, hash, salt or nonce. */
export interface ClientAuditRecord {
  clientId: string;
  time: string;
  action: 'create' | 'update' | 'reset-access-token' | 'disable' | 'enable' | 'delete' | 'bootstrap';
  /** The client that made the change (or `bootstrap` for the service itself). */
  by: string;
  changes?: Record<string, { from: unknown; to: unknown }>;
}

export interface ClientStore {
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  /** Creates the client; throws ConditionFailed when it exists. */
  createClient(record: ClientRecord): Promise<void>;
  /** Replaces the client if its stored version is `expectedVersion`; throws ConditionFailed otherwise. */
  replaceClient(record: ClientRecord, expectedVersion: number): Promise<void>;
  /** Sets lastDateUsed to `time` unless it is already later than `notBefore` (one write a minute at most). */
  touchClient(clientId: string, time: string, notBefore: string): Promise<void>;
  /** Deletes the client; returns whether it existed. */
  deleteClient(clientId: string): Promise<boolean>;
  listClients(page: PageRequest & { prefix?: string }): Promise<Page<ClientRecord>>;

  putClientAudit(record: ClientAuditRecord): Promise<void>;
  listClientAudit(clientId: string, page: PageRequest): Promise<Page<ClientAuditRecord>>;

  /**
   * Records a Hawk nonce (per client) until `expiresAt` (epoch seconds); returns false when it was
   * already recorded — the request is a replay. Used where several processes serve the API.
   */
  claimNonce(clientId: string, nonce: string, expiresAt: number): Promise<boolean>;
}
