import { endpoint } from '../endpoint.ts';
import {
  emptyResponseSchema,
  hookTypeResponseSchema,
  hookTypeSchema,
  listHookTypesResponseSchema,
} from '../schemas.ts';
import { hookTypeNameParam } from './inputs.ts';

/** Hook types: `PUT/GET/DELETE /hook-types/{name}` and the list. */

const hookTypePath = { name: hookTypeNameParam };

export const listHookTypes = endpoint({
  name: 'listHookTypes',
  method: 'get',
  path: '/hook-types',
  summary: 'The hook types',
  tag: 'hook-types',
  auth: { scope: 'hooks:list-hook-types' },
  response: { schema: listHookTypesResponseSchema },
});

export const hookType = endpoint({
  name: 'hookType',
  method: 'get',
  path: '/hook-types/{name}',
  summary: 'A hook type',
  tag: 'hook-types',
  auth: { scope: 'hooks:get-hook-type:<name>' },
  params: hookTypePath,
  response: { schema: hookTypeResponseSchema },
  errors: [404],
});

export const putHookType = endpoint({
  name: 'putHookType',
  method: 'put',
  path: '/hook-types/{name}',
  summary: 'Create or replace a hook type',
  tag: 'hook-types',
  auth: { scope: 'hooks:modify-hook-type:<name>' },
  params: hookTypePath,
  body: { schema: hookTypeSchema, what: 'hook type' },
  response: { schema: hookTypeResponseSchema },
});

export const removeHookType = endpoint({
  name: 'removeHookType',
  method: 'delete',
  path: '/hook-types/{name}',
  summary: 'Remove a hook type no hook uses (409 while one does)',
  tag: 'hook-types',
  auth: { scope: 'hooks:modify-hook-type:<name>' },
  params: hookTypePath,
  response: { schema: emptyResponseSchema },
  errors: [404, 409],
});
