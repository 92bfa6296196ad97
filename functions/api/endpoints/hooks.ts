import { endpoint } from '../endpoint.ts';
import {
  configValueInputSchema,
  emptyResponseSchema,
  historyResponseSchema,
  hookConfigResponseSchema,
  hookDefinitionInputSchema,
  hookDefinitionSchema,
  hookStatusResponseSchema,
  listHookGroupsResponseSchema,
  listHooksResponseSchema,
  reconcileResponseSchema,
  signingSecretResponseSchema,
} from '../schemas.ts';
import { configKeyParam, hookGroupIdParam, hookPath, pageQuery } from './inputs.ts';

/** Taskcluster's hook management, and Hookline's per-hook config, signing secret and reconcile. */

const hookDefinitionBody = { schema: hookDefinitionInputSchema, what: 'hook definition' } as const;

export const listHookGroups = endpoint({
  name: 'listHookGroups',
  method: 'get',
  path: '/hooks',
  summary: 'The hook groups that have hooks',
  tag: 'hooks',
  auth: { scope: 'hooks:list-hooks:' },
  response: { schema: listHookGroupsResponseSchema },
});

export const listHooks = endpoint({
  name: 'listHooks',
  method: 'get',
  path: '/hooks/{hookGroupId}',
  summary: 'The hooks of a group (404 when it has none)',
  tag: 'hooks',
  auth: { scope: 'hooks:list-hooks:<hookGroupId>' },
  params: { hookGroupId: hookGroupIdParam },
  response: { schema: listHooksResponseSchema },
  errors: [404],
});

export const hook = endpoint({
  name: 'hook',
  method: 'get',
  path: '/hooks/{hookGroupId}/{hookId}',
  summary: "A hook's definition",
  tag: 'hooks',
  auth: { scope: 'hooks:get:<hookGroupId>:<hookId>' },
  params: hookPath,
  response: { schema: hookDefinitionSchema },
  errors: [404],
});

export const createHook = endpoint({
  name: 'createHook',
  method: 'put',
  path: '/hooks/{hookGroupId}/{hookId}',
  summary: 'Create a hook (200 when an identical one exists, 409 when a different one does)',
  tag: 'hooks',
  auth: { scope: 'hooks:modify-hook:<hookGroupId>/<hookId>' },
  params: hookPath,
  body: hookDefinitionBody,
  response: { schema: hookDefinitionSchema },
  errors: [409],
});

export const updateHook = endpoint({
  name: 'updateHook',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}',
  summary: "Replace a hook's definition (an omitted triggerSchema keeps the stored one)",
  tag: 'hooks',
  auth: { scope: 'hooks:modify-hook:<hookGroupId>/<hookId>' },
  params: hookPath,
  body: hookDefinitionBody,
  response: { schema: hookDefinitionSchema },
  errors: [404, 409],
});

export const removeHook = endpoint({
  name: 'removeHook',
  method: 'delete',
  path: '/hooks/{hookGroupId}/{hookId}',
  summary: 'Remove a hook with its fires, token, schedules and bindings (its history stays)',
  tag: 'hooks',
  auth: { scope: 'hooks:modify-hook:<hookGroupId>/<hookId>' },
  params: hookPath,
  response: { schema: emptyResponseSchema },
  errors: [404],
});

export const getHookStatus = endpoint({
  name: 'getHookStatus',
  method: 'get',
  path: '/hooks/{hookGroupId}/{hookId}/status',
  summary: 'The last fire and the next scheduled time',
  tag: 'hooks',
  auth: { scope: 'hooks:status:<hookGroupId>/<hookId>' },
  params: hookPath,
  response: { schema: hookStatusResponseSchema },
  errors: [404],
});

export const hookHistory = endpoint({
  name: 'hookHistory',
  method: 'get',
  path: '/hooks/{hookGroupId}/{hookId}/history',
  summary: 'Audit records of the hook, newest first (readable after the hook is removed)',
  tag: 'hooks',
  auth: { scope: 'hooks:get:<hookGroupId>:<hookId>' },
  params: hookPath,
  query: pageQuery,
  response: { schema: historyResponseSchema },
});

export const getSigningSecret = endpoint({
  name: 'getSigningSecret',
  method: 'get',
  path: '/hooks/{hookGroupId}/{hookId}/signing-secret',
  summary: "The secret that signs the hook's http steps",
  tag: 'hooks',
  auth: { scope: 'hooks:get-signing-secret:<hookGroupId>/<hookId>' },
  params: hookPath,
  response: { schema: signingSecretResponseSchema },
  errors: [404],
});

export const resetSigningSecret = endpoint({
  name: 'resetSigningSecret',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}/signing-secret',
  summary: 'Replace the signing secret',
  tag: 'hooks',
  auth: { scope: 'hooks:reset-signing-secret:<hookGroupId>/<hookId>' },
  params: hookPath,
  response: { schema: signingSecretResponseSchema },
  errors: [404],
});

export const setHookConfigKey = endpoint({
  name: 'setHookConfigKey',
  method: 'put',
  path: '/hooks/{hookGroupId}/{hookId}/config/{key}',
  summary: "Set one key of the hook's stored config (checked against its hook type)",
  tag: 'hooks',
  auth: { scope: 'hooks:modify-hook:<hookGroupId>/<hookId>' },
  params: { ...hookPath, key: configKeyParam },
  body: {
    schema: configValueInputSchema,
    what: 'config value',
    invalid: () => 'the body must be {"value": <any JSON value>}',
  },
  response: { schema: hookConfigResponseSchema },
  errors: [404],
});

export const removeHookConfigKey = endpoint({
  name: 'removeHookConfigKey',
  method: 'delete',
  path: '/hooks/{hookGroupId}/{hookId}/config/{key}',
  summary: "Remove one key of the hook's stored config",
  tag: 'hooks',
  auth: { scope: 'hooks:modify-hook:<hookGroupId>/<hookId>' },
  params: { ...hookPath, key: configKeyParam },
  response: { schema: hookConfigResponseSchema },
  errors: [404],
});

export const reconcileHook = endpoint({
  name: 'reconcileHook',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}/reconcile',
  summary: "Make the hook's rules and schedules match its definition again",
  tag: 'hooks',
  auth: { scope: 'hooks:modify-hook:<hookGroupId>/<hookId>' },
  params: hookPath,
  response: { schema: reconcileResponseSchema },
});
