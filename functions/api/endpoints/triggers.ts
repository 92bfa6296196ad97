import { endpoint } from '../endpoint.ts';
import {
  lastFiresResponseSchema,
  renderDefinitionInputSchema,
  renderHookInputSchema,
  renderResponseSchema,
  triggerPayloadSchema,
  triggerResponseSchema,
  triggerTokenResponseSchema,
} from '../schemas.ts';
import { hookPath, idempotencyKeyHeader, pageQuery, triggerTokenParam } from './inputs.ts';

/** Firing a hook (with credentials or its trigger token), its token, its fires, and rendering without firing. */

/** Any JSON value (checked against the hook's triggerSchema when it fires); an empty body is `{}`. */
const payloadBody = { schema: triggerPayloadSchema, what: 'payload', whenEmpty: {} } as const;

export const triggerHook = endpoint({
  name: 'triggerHook',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}/trigger',
  summary: 'Fire the hook with a payload',
  tag: 'triggers',
  auth: { scope: 'hooks:trigger-hook:<hookGroupId>/<hookId>' },
  params: hookPath,
  headers: { idempotencyKey: idempotencyKeyHeader },
  body: payloadBody,
  response: { schema: triggerResponseSchema },
  errors: [404, 409],
});

export const triggerHookWithToken = endpoint({
  name: 'triggerHookWithToken',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}/trigger/{token}',
  summary: 'Fire the hook with its trigger token (a wrong token and an unknown hook are the same 401)',
  tag: 'triggers',
  auth: { public: 'the trigger token in the path is the credential (a wrong one is a 401)' },
  params: { ...hookPath, token: triggerTokenParam },
  headers: { idempotencyKey: idempotencyKeyHeader },
  body: payloadBody,
  response: { schema: triggerResponseSchema },
  errors: [401, 409],
});

export const getTriggerToken = endpoint({
  name: 'getTriggerToken',
  method: 'get',
  path: '/hooks/{hookGroupId}/{hookId}/token',
  summary: "The hook's trigger token",
  tag: 'triggers',
  auth: { scope: 'hooks:get-trigger-token:<hookGroupId>/<hookId>' },
  params: hookPath,
  response: { schema: triggerTokenResponseSchema },
  errors: [404],
});

export const resetTriggerToken = endpoint({
  name: 'resetTriggerToken',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}/token',
  summary: 'Replace the trigger token (the old one stops working)',
  tag: 'triggers',
  auth: { scope: 'hooks:reset-trigger-token:<hookGroupId>/<hookId>' },
  params: hookPath,
  response: { schema: triggerTokenResponseSchema },
  errors: [404],
});

export const listLastFires = endpoint({
  name: 'listLastFires',
  method: 'get',
  path: '/hooks/{hookGroupId}/{hookId}/last-fires',
  summary: "The hook's fires, newest first, each with its run's own state and result",
  tag: 'triggers',
  auth: { scope: 'hooks:list-last-fires:<hookGroupId>/<hookId>' },
  params: hookPath,
  query: pageQuery,
  response: { schema: lastFiresResponseSchema },
  errors: [404],
});

export const renderHook = endpoint({
  name: 'renderHook',
  method: 'post',
  path: '/hooks/{hookGroupId}/{hookId}/render',
  summary: 'Render the hook for a firing context, running nothing: the job, or the error a fire would get',
  tag: 'triggers',
  auth: { scope: 'hooks:trigger-hook:<hookGroupId>/<hookId>' },
  params: hookPath,
  body: { schema: renderHookInputSchema, what: 'render request', whenEmpty: {} },
  response: { schema: renderResponseSchema },
  errors: [404],
});

export const renderDefinition = endpoint({
  name: 'renderDefinition',
  method: 'post',
  path: '/render',
  summary: 'Render an unsaved hook definition for a firing context, running nothing',
  tag: 'triggers',
  // the scope that creates this hook (PUT /hooks/{g}/{h}), for the ids in the body
  auth: {
    scope: 'hooks:modify-hook:<hookGroupId>/<hookId>',
    note: 'of the ids in the body (`render/render` when none)',
  },
  body: { schema: renderDefinitionInputSchema, what: 'render request', whenEmpty: {} },
  response: { schema: renderResponseSchema },
});
