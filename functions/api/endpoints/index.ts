import type { EndpointDeclaration } from '../endpoint.ts';
import * as clients from './clients.ts';
import * as events from './events.ts';
import * as hooks from './hooks.ts';
import * as hookTypes from './hookTypes.ts';
import * as runs from './runs.ts';
import * as service from './service.ts';
import * as triggers from './triggers.ts';

/**
 * Every endpoint of the API (under /api/hooks/v1), by operation name. Routing (functions/api/routes/),
 * the auth middleware (functions/api/auth/publicRoutes.ts), the OpenAPI document (functions/api/openapi.ts)
 * and README.md's scope table (scripts/scopeTable.ts) are all derived from these declarations.
 */
export const endpoints = {
  ...service,
  ...hooks,
  ...triggers,
  ...runs,
  ...hookTypes,
  ...clients,
  ...events,
};

export type EndpointName = keyof typeof endpoints;

const METHOD_ORDER = ['get', 'put', 'post', 'delete'];

/** The declarations by path, then method: the order of the OpenAPI document and of the README's table. */
export const ENDPOINT_LIST: readonly EndpointDeclaration[] = (
  Object.values(endpoints) as EndpointDeclaration[]
).sort((a, b) =>
  a.path === b.path
    ? METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method)
    : a.path < b.path
      ? -1
      : 1,
);
