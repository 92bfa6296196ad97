import { Hono } from 'hono';
import type { Context } from 'hono';
import {
  type ClientActor,
  type ClientContext,
  clientView,
  createClient,
  deleteClient,
  getClient,
  listClients,
  resetAccessToken,
  setClientDisabled,
  updateClient,
} from '../../app/clients.ts';
import { inputError } from '../../core/errors.ts';
import { type ApiEnv, authorize, type Caller } from '../authorization.ts';
import { pageRequest } from '../pagination.ts';
import { readJsonBody } from '../requestBody.ts';

/**
 * Clients: `/clients` and `/clients/{clientId}` under /api/hooks/v1, with Taskcluster's scopes:
 *
 * | endpoint | scope |
 * |---|---|
 * | `GET /clients` (listClients; `prefix`, `limit`, `continuationToken`) | `auth:list-clients` |
 * | `GET /clients/{clientId}` (getClient) | `auth:get-client:<clientId>` |
 * | `GET /clients/{clientId}/history` (audit records) | `auth:get-client:<clientId>` |
 * | `PUT /clients/{clientId}` (createClient) | `auth:create-client:<clientId>` |
 * | `POST /clients/{clientId}` (updateClient) | `auth:update-client:<clientId>` |
 * | `POST /clients/{clientId}/reset` (resetAccessToken) | `auth:reset-access-token:<clientId>` |
 * | `POST /clients/{clientId}/disable` | `auth:disable-client:<clientId>` |
 * | `POST /clients/{clientId}/enable` | `auth:enable-client:<clientId>` |
 * | `DELETE /clients/{clientId}` (deleteClient) | `auth:delete-client:<clientId>` |
 *
 * Taskcluster's getClient needs no scope; Hookline asks `auth:get-client:<clientId>` (and
 * `auth:list-clients` to list) so who holds which scopes is not public. A client may only give
 * scopes it holds itself (403 naming the missing ones). Responses carrying a token are `no-store`.
 */
export function clientRoutes(ctx: ClientContext) {
  const app = new Hono<ApiEnv>();

  app.get('/clients', async (c) => {
    await authorize(c, 'auth:list-clients');
    const prefix = c.req.query('prefix');
    if (prefix !== undefined && prefix.length > 256) throw inputError('prefix is at most 256 characters');
    const page = await listClients(ctx, { ...pageRequest(c), prefix: prefix || undefined });
    return c.json({
      clients: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  app.get('/clients/:clientId', async (c) => {
    const clientId = c.req.param('clientId');
    await authorize(c, `auth:get-client:${clientId}`);
    return c.json(clientView(await getClient(ctx, clientId)));
  });

  app.get('/clients/:clientId/history', async (c) => {
    const clientId = c.req.param('clientId');
    await authorize(c, `auth:get-client:${clientId}`);
    await getClient(ctx, clientId);
    const page = await ctx.store.listClientAudit(clientId, pageRequest(c));
    return c.json({
      history: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  app.put('/clients/:clientId', async (c) => {
    const clientId = c.req.param('clientId');
    const caller = await authorize(c, `auth:create-client:${clientId}`);
    const body = await readJsonBody(c);
    noStore(c);
    return c.json(await createClient(ctx, clientId, body, actor(caller)));
  });

  app.post('/clients/:clientId', async (c) => {
    const clientId = c.req.param('clientId');
    const caller = await authorize(c, `auth:update-client:${clientId}`);
    const body = await readJsonBody(c);
    return c.json(await updateClient(ctx, clientId, body, actor(caller)));
  });

  app.post('/clients/:clientId/reset', async (c) => {
    const clientId = c.req.param('clientId');
    const caller = await authorize(c, `auth:reset-access-token:${clientId}`);
    noStore(c);
    return c.json(await resetAccessToken(ctx, clientId, actor(caller)));
  });

  app.post('/clients/:clientId/disable', async (c) => {
    const clientId = c.req.param('clientId');
    const caller = await authorize(c, `auth:disable-client:${clientId}`);
    return c.json(await setClientDisabled(ctx, clientId, true, actor(caller)));
  });

  app.post('/clients/:clientId/enable', async (c) => {
    const clientId = c.req.param('clientId');
    const caller = await authorize(c, `auth:enable-client:${clientId}`);
    return c.json(await setClientDisabled(ctx, clientId, false, actor(caller)));
  });

  app.delete('/clients/:clientId', async (c) => {
    const clientId = c.req.param('clientId');
    const caller = await authorize(c, `auth:delete-client:${clientId}`);
    await deleteClient(ctx, clientId, actor(caller));
    return c.json({});
  });

  return app;
}

function actor(caller: Caller): ClientActor {
  return { clientId: caller.clientId ?? 'anonymous', scopes: caller.scopes };
}

function noStore(c: Context): void {
  c.header('cache-control', 'no-store');
}
