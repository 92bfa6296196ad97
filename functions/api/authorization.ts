import type { Context } from 'hono';

/**
 * Who is calling, as the authentication middleware established it. Routes ask `authorize` for
 * the scopes an endpoint needs (Taskcluster's scopes).
 */
export interface Caller {
  clientId?: string;
  scopes: string[];
}

export type Authorizer = (c: Context, requiredScopes: string[]) => Promise<Caller>;

export type ApiVariables = { authorize: Authorizer; requestId: string };
export type ApiEnv = { Variables: ApiVariables };

export function authorize(c: Context<ApiEnv>, ...requiredScopes: string[]): Promise<Caller> {
  return c.get('authorize')(c, requiredScopes);
}
