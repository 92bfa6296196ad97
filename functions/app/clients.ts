import * as z from 'zod';
import {
  type AccessTokenFields,
  accessTokenMatches,
  deriveAccessToken,
  importedAccessToken,
  newAccessToken,
} from '../core/accessToken.ts';
import { conflict, HooklineError, inputError, notFound } from '../core/errors.ts';
import { missingScopes, SCOPE_PATTERN, satisfies } from '../core/scopes.ts';
import { parseOrThrow } from '../core/validation.ts';
import type { ClientAuditRecord, ClientRecord, ClientStore } from '../ports/clientStore.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import { retryOnConflict } from './retryOnConflict.ts';
import { ConditionFailed, type Page, type PageRequest } from '../ports/store.ts';

/**
 * Clients: Taskcluster's model of who may do what. A client has a clientId, an access token and
 * scopes (plus expires, disabled, description and a last-used time).
 *
 * Access tokens are made and checked in functions/core/accessToken.ts (pure, keyed with the
 * access-token key, which lives outside the table).
 */

export interface Credentials {
  clientId: string;
  accessToken: string;
}

/** What the client use cases need; built once next to the Services. */
export interface ClientContext {
  store: ClientStore;
  clock: Clock;
  logger: Logger;
  /** The key access tokens are derived from; never logged. */
  accessTokenKey: Buffer;
}

/** Who is asking for a change: their clientId and the scopes they hold. */
export interface ClientActor {
  clientId: string;
  scopes: readonly string[];
}

/** The service itself, when it creates the root client. */
export const BOOTSTRAP_ACTOR: ClientActor = { clientId: 'bootstrap', scopes: ['*'] };

export const ROOT_CLIENT_ID = 'root';

/** Taskcluster's clientId characters; at most 256 of them. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9!@/:.+|_-]{1,256}$/;

/** A client that never expires (Taskcluster requires `expires`; Hookline defaults it). */
export const NEVER_EXPIRES = '3000-01-01T00:00:00.000Z';

// ── schemas ─────────────────────────────────────────────────────────────────

const scopeSchema = z
  .string()
  .regex(SCOPE_PATTERN, 'a scope is printable ASCII, at most 500 characters')
  .describe('A Taskcluster scope; a trailing `*` matches any suffix.');

const expiresSchema = z
  .string()
  .max(40)
  .refine(
    (s) => /^\d{4}-\d\d-\d\dT/.test(s) && Number.isFinite(Date.parse(s)),
    'must be an ISO 8601 date-time',
  )
  .describe('When the client stops working (ISO 8601).');

export const clientIdSchema = z.string().regex(CLIENT_ID_PATTERN);

export const createClientInputSchema = z
  .object({
    description: z.string().max(10_000).optional(),
    expires: expiresSchema.optional(),
    scopes: z.array(scopeSchema).max(1000).optional(),
  })
  .strict();

export const updateClientInputSchema = createClientInputSchema;

export type CreateClientInput = z.infer<typeof createClientInputSchema>;

/** A client as the API shows it (Taskcluster's field names); never the token, its hash or nonce. */
export interface ClientView {
  clientId: string;
  description: string;
  expires: string;
  created: string;
  lastModified: string;
  lastDateUsed: string;
  lastRotated: string;
  scopes: string[];
  /** Taskcluster's field; Hookline has no roles, so it equals `scopes`. */
  expandedScopes: string[];
  disabled: boolean;
}

export function clientView(record: ClientRecord): ClientView {
  return {
    clientId: record.clientId,
    description: record.description,
    expires: record.expires,
    created: record.created,
    lastModified: record.lastModified,
    lastDateUsed: record.lastDateUsed,
    lastRotated: record.lastRotated,
    scopes: [...record.scopes],
    expandedScopes: [...record.scopes],
    disabled: record.disabled,
  };
}

// ── tokens ──────────────────────────────────────────────────────────────────

/**
 * The client's access token as Hawk's MAC key: recomputed from its nonce, or (for an imported
 * token) taken from `imported` — either way only if it matches the stored hash. Undefined when
 * the token cannot be produced (the service key changed, or an imported token is not at hand).
 */
export function hawkKeyFor(
  ctx: ClientContext,
  record: ClientRecord,
  imported?: ReadonlyMap<string, string>,
): string | undefined {
  const candidate = record.accessTokenNonce
    ? deriveAccessToken(ctx.accessTokenKey, record.clientId, record.accessTokenNonce)
    : imported?.get(record.clientId);
  if (candidate === undefined) return undefined;
  return accessTokenMatches(ctx.accessTokenKey, record, candidate) ? candidate : undefined;
}

/** Why a client that proved its token may still not act, or undefined. */
export function clientUnusable(ctx: ClientContext, record: ClientRecord): string | undefined {
  if (record.disabled) return `client ${record.clientId} is disabled`;
  if (Date.parse(record.expires) <= ctx.clock.now().getTime())
    return `client ${record.clientId} expired at ${record.expires}`;
  return undefined;
}

/** Records that the client was used, at most about once a minute (a conditional write). */
export async function noteClientUsed(ctx: ClientContext, record: ClientRecord): Promise<void> {
  const now = ctx.clock.now();
  const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
  if (record.lastDateUsed >= minuteAgo) return;
  try {
    await ctx.store.touchClient(record.clientId, now.toISOString(), minuteAgo);
  } catch (error) {
    ctx.logger.warn('could not record a client as used', {
      clientId: record.clientId,
      error: (error as Error).message,
    });
  }
}

// ── use cases ───────────────────────────────────────────────────────────────

function checkClientId(clientId: string): void {
  if (!CLIENT_ID_PATTERN.test(clientId)) {
    throw inputError(`clientId "${clientId.slice(0, 100)}" must match ${CLIENT_ID_PATTERN.source}`);
  }
}

function insufficient(actor: ClientActor, missing: string[], what: string): HooklineError {
  return new HooklineError(
    'InsufficientScopes',
    `client ${actor.clientId} cannot ${what}: a client may only grant scopes it holds itself, and it lacks ${missing.join(', ')}`,
    { missingScopes: missing },
  );
}

function uniqueScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)];
}

async function audit(ctx: ClientContext, record: Omit<ClientAuditRecord, 'time'>, time: string) {
  await ctx.store.putClientAudit({ ...record, time });
}

export async function getClient(ctx: ClientContext, clientId: string): Promise<ClientRecord> {
  checkClientId(clientId);
  const record = await ctx.store.getClient(clientId);
  if (!record) throw notFound(`client ${clientId} does not exist`);
  return record;
}

/** createClient: 200 with the client and its access token (shown this once); 409 if it exists. */
export async function createClient(
  ctx: ClientContext,
  clientId: string,
  body: unknown,
  actor: ClientActor,
): Promise<ClientView & { accessToken: string }> {
  checkClientId(clientId);
  const input = parseOrThrow(createClientInputSchema, body ?? {}, 'client');
  const scopes = uniqueScopes(input.scopes ?? []);
  const missing = missingScopes(actor.scopes, scopes);
  if (missing.length) throw insufficient(actor, missing, `create client ${clientId} with these scopes`);
  const now = ctx.clock.now().toISOString();
  const { token, fields } = newAccessToken(ctx.accessTokenKey, clientId);
  const record = newClientRecord(clientId, now, fields, {
    description: input.description ?? '',
    scopes,
    expires: new Date(input.expires ?? NEVER_EXPIRES).toISOString(),
  });
  try {
    await ctx.store.createClient(record);
  } catch (error) {
    if (error instanceof ConditionFailed) throw conflict(`client ${clientId} already exists`);
    throw error;
  }
  await audit(
    ctx,
    {
      clientId,
      action: 'create',
      by: actor.clientId,
      changes: {
        scopes: { from: null, to: record.scopes },
        description: { from: null, to: record.description },
        expires: { from: null, to: record.expires },
      },
    },
    now,
  );
  return { ...clientView(record), accessToken: token };
}

export async function listClients(
  ctx: ClientContext,
  page: PageRequest & { prefix?: string },
): Promise<Page<ClientView>> {
  const out = await ctx.store.listClients(page);
  return { items: out.items.map(clientView), continuationToken: out.continuationToken };
}

/** Changes a client with optimistic concurrency; `change` returns the new record or throws. */
async function changeClient(
  ctx: ClientContext,
  clientId: string,
  change: (existing: ClientRecord, now: string) => ClientRecord,
): Promise<{ before: ClientRecord; after: ClientRecord }> {
  return retryOnConflict(`client ${clientId}`, async () => {
    const before = await getClient(ctx, clientId);
    const after = change(before, ctx.clock.now().toISOString());
    await ctx.store.replaceClient({ ...after, version: before.version + 1 }, before.version);
    return { before, after: { ...after, version: before.version + 1 } };
  });
}

/**
 * updateClient: description, expires and scopes (each optional). The caller must hold every scope
 * the client gains (one its old scopes did not satisfy).
 */
export async function updateClient(
  ctx: ClientContext,
  clientId: string,
  body: unknown,
  actor: ClientActor,
): Promise<ClientView> {
  checkClientId(clientId);
  const input = parseOrThrow(updateClientInputSchema, body ?? {}, 'client');
  const { before, after } = await changeClient(ctx, clientId, (existing, now) => {
    const scopes = input.scopes ? uniqueScopes(input.scopes) : existing.scopes;
    const gained = scopes.filter((scope) => !satisfies(existing.scopes, scope));
    const missing = missingScopes(actor.scopes, gained);
    if (missing.length) throw insufficient(actor, missing, `give client ${clientId} these scopes`);
    return {
      ...existing,
      scopes,
      description: input.description ?? existing.description,
      expires: input.expires ? new Date(input.expires).toISOString() : existing.expires,
      lastModified: now,
    };
  });
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of ['scopes', 'description', 'expires'] as const) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      changes[field] = { from: before[field], to: after[field] };
  }
  await audit(ctx, { clientId, action: 'update', by: actor.clientId, changes }, after.lastModified);
  return clientView(after);
}

/** resetAccessToken: a new token (shown this once); the old one stops working at once. */
export async function resetAccessToken(
  ctx: ClientContext,
  clientId: string,
  actor: ClientActor,
): Promise<ClientView & { accessToken: string }> {
  let token = '';
  const { after } = await changeClient(ctx, clientId, (existing, now) => {
    const fresh = newAccessToken(ctx.accessTokenKey, clientId);
    token = fresh.token;
    return { ...existing, ...fresh.fields, lastRotated: now, lastModified: now };
  });
  await audit(ctx, { clientId, action: 'reset-access-token', by: actor.clientId }, after.lastModified);
  return { ...clientView(after), accessToken: token };
}

export async function setClientDisabled(
  ctx: ClientContext,
  clientId: string,
  disabled: boolean,
  actor: ClientActor,
): Promise<ClientView> {
  const { before, after } = await changeClient(ctx, clientId, (existing, now) => ({
    ...existing,
    disabled,
    lastModified: now,
  }));
  if (before.disabled !== disabled) {
    await audit(
      ctx,
      {
        clientId,
        action: disabled ? 'disable' : 'enable',
        by: actor.clientId,
        changes: { disabled: { from: before.disabled, to: disabled } },
      },
      after.lastModified,
    );
  }
  return clientView(after);
}

/** deleteClient: idempotent, like Taskcluster's (deleting a missing client is a 200). */
export async function deleteClient(ctx: ClientContext, clientId: string, actor: ClientActor): Promise<void> {
  checkClientId(clientId);
  const existed = await ctx.store.deleteClient(clientId);
  if (existed)
    await audit(ctx, { clientId, action: 'delete', by: actor.clientId }, ctx.clock.now().toISOString());
}

// ── the root client ─────────────────────────────────────────────────────────

/**
 * Local first start: creates the root client (scope `*`) if it does not exist and returns its
 * token (to be written to credentials.json); undefined when it already existed.
 */
export async function ensureRootClient(
  ctx: ClientContext,
  clientId = ROOT_CLIENT_ID,
): Promise<Credentials | undefined> {
  if (await ctx.store.getClient(clientId)) return undefined;
  const now = ctx.clock.now().toISOString();
  const { token, fields } = newAccessToken(ctx.accessTokenKey, clientId);
  const record = rootRecord(clientId, now, fields);
  try {
    await ctx.store.createClient(record);
  } catch (error) {
    if (error instanceof ConditionFailed) return undefined;
    throw error;
  }
  await auditBootstrap(ctx, clientId, now);
  return { clientId, accessToken: token };
}

/** The audit record of the root client's creation. */
function auditBootstrap(ctx: ClientContext, clientId: string, now: string) {
  return audit(
    ctx,
    {
      clientId,
      action: 'bootstrap',
      by: BOOTSTRAP_ACTOR.clientId,
      changes: { scopes: { from: null, to: ['*'] } },
    },
    now,
  );
}

/**
 * Cloud cold start: makes sure the root client from the deploy secret exists with that token.
 * Idempotent: an existing root client is left alone, except that an imported token is replaced
 * when the secret was changed by hand (put-secret-value), so rotating the secret takes effect.
 * A root client whose token was reset through the API (it has a nonce) is never touched.
 */
export async function importRootClient(
  ctx: ClientContext,
  credentials: Credentials,
): Promise<'created' | 'updated' | 'unchanged'> {
  const { clientId, accessToken } = credentials;
  const now = ctx.clock.now().toISOString();
  const existing = await ctx.store.getClient(clientId);
  if (!existing) {
    try {
      await ctx.store.createClient(
        rootRecord(clientId, now, importedAccessToken(ctx.accessTokenKey, clientId, accessToken)),
      );
    } catch (error) {
      if (error instanceof ConditionFailed) return 'unchanged';
      throw error;
    }
    await auditBootstrap(ctx, clientId, now);
    return 'created';
  }
  if (existing.accessTokenNonce || accessTokenMatches(ctx.accessTokenKey, existing, accessToken))
    return 'unchanged';
  try {
    await ctx.store.replaceClient(
      {
        ...existing,
        ...importedAccessToken(ctx.accessTokenKey, clientId, accessToken),
        lastRotated: now,
        lastModified: now,
        version: existing.version + 1,
      },
      existing.version,
    );
  } catch (error) {
    if (error instanceof ConditionFailed) return 'unchanged';
    throw error;
  }
  await audit(ctx, { clientId, action: 'reset-access-token', by: BOOTSTRAP_ACTOR.clientId }, now);
  return 'updated';
}

function rootRecord(clientId: string, now: string, fields: AccessTokenFields): ClientRecord {
  return newClientRecord(clientId, now, fields, {
    description:
      'The root client: holds every scope. Created at first start; use it to create other clients.',
    scopes: ['*'],
    expires: NEVER_EXPIRES,
  });
}

/** A new, enabled client record with its token fields, created (and last used) `now`. */
function newClientRecord(
  clientId: string,
  now: string,
  fields: AccessTokenFields,
  about: Pick<ClientRecord, 'description' | 'scopes' | 'expires'>,
): ClientRecord {
  return {
    clientId,
    ...about,
    disabled: false,
    created: now,
    lastModified: now,
    lastDateUsed: now,
    lastRotated: now,
    ...fields,
    version: 1,
  };
}

/** Whether the credentials are the client's current ones (e.g. a credentials file still valid). */
export async function credentialsValid(ctx: ClientContext, credentials: Credentials): Promise<boolean> {
  const record = await ctx.store.getClient(credentials.clientId);
  return accessTokenMatches(ctx.accessTokenKey, record, credentials.accessToken);
}
