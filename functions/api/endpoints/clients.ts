import { endpoint } from '../endpoint.ts';
import {
  clientHistoryResponseSchema,
  clientResponseSchema,
  clientWithTokenResponseSchema,
  createClientInputSchema,
  emptyResponseSchema,
  listClientsResponseSchema,
  updateClientInputSchema,
} from '../schemas.ts';
import { clientIdParam, clientPrefixQuery, pageQuery } from './inputs.ts';

/**
 * Clients, with Taskcluster's scopes. Taskcluster's getClient needs no scope; Hookline asks
 * `auth:get-client:<clientId>` (and `auth:list-clients` to list) so who holds which scopes is not public.
 * A client may only give scopes it holds itself (checked by functions/app/clients.ts).
 */

const clientPath = { clientId: clientIdParam };

export const listClients = endpoint({
  name: 'listClients',
  method: 'get',
  path: '/clients',
  summary: 'The clients',
  tag: 'clients',
  auth: { scope: 'auth:list-clients' },
  query: { prefix: clientPrefixQuery, ...pageQuery },
  response: { schema: listClientsResponseSchema },
});

export const client = endpoint({
  name: 'client',
  method: 'get',
  path: '/clients/{clientId}',
  summary: 'A client',
  tag: 'clients',
  auth: { scope: 'auth:get-client:<clientId>' },
  params: clientPath,
  response: { schema: clientResponseSchema },
  errors: [404],
});

export const clientHistory = endpoint({
  name: 'clientHistory',
  method: 'get',
  path: '/clients/{clientId}/history',
  summary: "Audit records of the client's changes",
  tag: 'clients',
  auth: { scope: 'auth:get-client:<clientId>' },
  params: clientPath,
  query: pageQuery,
  response: { schema: clientHistoryResponseSchema },
  errors: [404],
});

export const createClient = endpoint({
  name: 'createClient',
  method: 'put',
  path: '/clients/{clientId}',
  summary: 'Create a client (its access token is in the answer, once)',
  tag: 'clients',
  auth: { scope: 'auth:create-client:<clientId>' },
  params: clientPath,
  body: { schema: createClientInputSchema, what: 'client', whenEmpty: {} },
  response: { schema: clientWithTokenResponseSchema },
  errors: [409],
});

export const updateClient = endpoint({
  name: 'updateClient',
  method: 'post',
  path: '/clients/{clientId}',
  summary: "Change a client's description, expiry or scopes",
  tag: 'clients',
  auth: { scope: 'auth:update-client:<clientId>' },
  params: clientPath,
  body: { schema: updateClientInputSchema, what: 'client', whenEmpty: {} },
  response: { schema: clientResponseSchema },
  errors: [404],
});

export const resetAccessToken = endpoint({
  name: 'resetAccessToken',
  method: 'post',
  path: '/clients/{clientId}/reset',
  summary: "Replace a client's access token",
  tag: 'clients',
  auth: { scope: 'auth:reset-access-token:<clientId>' },
  params: clientPath,
  response: { schema: clientWithTokenResponseSchema },
  errors: [404],
});

export const disableClient = endpoint({
  name: 'disableClient',
  method: 'post',
  path: '/clients/{clientId}/disable',
  summary: 'Disable a client',
  tag: 'clients',
  auth: { scope: 'auth:disable-client:<clientId>' },
  params: clientPath,
  response: { schema: clientResponseSchema },
  errors: [404],
});

export const enableClient = endpoint({
  name: 'enableClient',
  method: 'post',
  path: '/clients/{clientId}/enable',
  summary: 'Enable a client',
  tag: 'clients',
  auth: { scope: 'auth:enable-client:<clientId>' },
  params: clientPath,
  response: { schema: clientResponseSchema },
  errors: [404],
});

export const deleteClient = endpoint({
  name: 'deleteClient',
  method: 'delete',
  path: '/clients/{clientId}',
  summary: 'Delete a client',
  tag: 'clients',
  auth: { scope: 'auth:delete-client:<clientId>' },
  params: clientPath,
  response: { schema: emptyResponseSchema },
  errors: [404],
});
