import { Hono } from 'hono';
import { deleteHookType, getHookType, putHookType } from '../../app/hookTypes.ts';
import type { Services } from '../../app/services.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/** Hook types: `PUT/GET/DELETE /hook-types/{name}` and the list. */
export function hookTypeRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.listHookTypes, async (c) => {
    const types = await services.hookTypes.listHookTypes();
    return c.json({ hookTypes: types.sort((a, b) => (a.name < b.name ? -1 : 1)) });
  });

  route(app, endpoints.hookType, async (c, { params }) => c.json(await getHookType(services, params.name)));

  route(app, endpoints.putHookType, async (c, { params, sentBody }) =>
    c.json(await putHookType(services, params.name, await sentBody())),
  );

  route(app, endpoints.removeHookType, async (c, { params }) => {
    await deleteHookType(services, params.name);
    return c.json({});
  });

  return app;
}
