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

/** The declarations in a stable order: the OpenAPI document's and the README table's. */
export const ENDPOINT_LIST: readonly EndpointDeclaration[] = Object.values(endpoints);
