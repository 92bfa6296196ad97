import type { Context } from 'hono';
import { Hono } from 'hono';
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
import type { ApiEnv, Caller } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/**
 * Clients: `/clients` and `/clients/{clientId}` under /api/hooks/v1 (declared, with their scopes, in
 * functions/api/endpoints/clients.ts). A client may only give scopes it holds itself (403 naming the
 * missing ones, functions/app/clients.ts). Responses carrying a token are `no-store`.
 */
export function clientRoutes(ctx: ClientContext) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.listClients, async (c, { query }) => {
    const { prefix, ...page } = query;
    const found = await listClients(ctx, { ...page, prefix: prefix || undefined });
    return c.json({
      clients: found.items,
      ...(found.continuationToken ? { continuationToken: found.continuationToken } : {}),
    });
  });

  route(app, endpoints.client, async (c, { params }) =>
    c.json(clientView(await getClient(ctx, params.clientId))),
  );

  route(app, endpoints.clientHistory, async (c, { params, query }) => {
    await getClient(ctx, params.clientId);
    const page = await ctx.store.listClientAudit(params.clientId, query);
    return c.json({
      history: page.items,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
  });

  route(app, endpoints.createClient, async (c, input) => {
    const caller = await input.authorize();
    const body = await input.sentBody();
    noStore(c);
    return c.json(await createClient(ctx, input.params.clientId, body, actor(caller)));
  });

  route(app, endpoints.updateClient, async (c, input) => {
    const caller = await input.authorize();
    const body = await input.sentBody();
    return c.json(await updateClient(ctx, input.params.clientId, body, actor(caller)));
  });

  route(app, endpoints.resetAccessToken, async (c, input) => {
    const caller = await input.authorize();
    noStore(c);
    return c.json(await resetAccessToken(ctx, input.params.clientId, actor(caller)));
  });

  route(app, endpoints.disableClient, async (c, input) =>
    c.json(await setClientDisabled(ctx, input.params.clientId, true, actor(await input.authorize()))),
  );

  route(app, endpoints.enableClient, async (c, input) =>
    c.json(await setClientDisabled(ctx, input.params.clientId, false, actor(await input.authorize()))),
  );

  route(app, endpoints.deleteClient, async (c, input) => {
    await deleteClient(ctx, input.params.clientId, actor(await input.authorize()));
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
