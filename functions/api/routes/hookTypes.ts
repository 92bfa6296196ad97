import { Hono } from 'hono';
import { deleteHookType, getHookType, putHookType } from '../../app/hookTypes.ts';
import type { Services } from '../../app/services.ts';
import { type ApiEnv, authorize } from '../authorization.ts';
import { readJsonBody } from '../requestBody.ts';

/** Hook types: `PUT/GET/DELETE /hook-types/{name}` and the list. */
export function hookTypeRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.get('/hook-types', async (c) => {
    await authorize(c, 'hooks:list-hook-types');
    const types = await services.hookTypes.listHookTypes();
    return c.json({ hookTypes: types.sort((a, b) => (a.name < b.name ? -1 : 1)) });
  });

  app.get('/hook-types/:name', async (c) => {
    const name = c.req.param('name');
    await authorize(c, `hooks:get-hook-type:${name}`);
    return c.json(await getHookType(services, name));
  });

  app.put('/hook-types/:name', async (c) => {
    const name = c.req.param('name');
    await authorize(c, `hooks:modify-hook-type:${name}`);
    return c.json(await putHookType(services, name, await readJsonBody(c)));
  });

  app.delete('/hook-types/:name', async (c) => {
    const name = c.req.param('name');
    await authorize(c, `hooks:modify-hook-type:${name}`);
    await deleteHookType(services, name);
    return c.json({});
  });

  return app;
}
