import { Hono } from 'hono';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { openApiDocument } from '../openapi.ts';
import { route } from '../route.ts';

/** The service itself: is it alive, and the OpenAPI document generated from the declarations. */
export function serviceRoutes(startedAt: number) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.ping, (c) => c.json({ alive: true, uptime: (Date.now() - startedAt) / 1000 }));

  route(app, endpoints.openApi, (c) => c.json(openApiDocument()));

  return app;
}
