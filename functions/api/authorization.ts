import type { Context } from 'hono';

/**
 * Who is calling, as the authentication middleware established it. Routes ask `authorize` for
 * the scopes an endpoint needs (Taskcluster's scopes).
 */
export interface Caller {
  clientId?: string;
  scopes: string[];
  /** How the caller presented credentials. */
  scheme?: 'bearer' | 'hawk' | 'aws-sigv4';
}

/**
 * Decides whether the caller holds the scopes a route needs (403 InsufficientScopes if not) and
 * returns who the caller is. The real one (functions/api/auth/authorizer.ts) also has
 * `authenticate`, which the app runs before every endpoint that is not public (401 when the
 * credentials are missing or wrong); `allowAll` (embedding, auth off) has none.
 */
export interface Authorizer {
  (c: Context, requiredScopes: string[]): Promise<Caller>;
  authenticate?: (c: Context) => Promise<Caller>;
}

export type ApiVariables = { authorize: Authorizer; requestId: string; caller?: Caller };
export type ApiEnv = { Variables: ApiVariables };

export function authorize(c: Context<ApiEnv>, ...requiredScopes: string[]): Promise<Caller> {
  return c.get('authorize')(c, requiredScopes);
}
