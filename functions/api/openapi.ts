import { z } from 'zod';
import { MAX_BODY_BYTES } from './requestBody.ts';
import {
  continuationTokenQuerySchema,
  emptyResponseSchema,
  errorResponseSchema,
  historyResponseSchema,
  hookDefinitionInputSchema,
  hookDefinitionSchema,
  hookGroupIdSchema,
  hookIdSchema,
  hookStatusResponseSchema,
  idempotencyKeyHeaderSchema,
  lastFiresResponseSchema,
  limitQuerySchema,
  listHookGroupsResponseSchema,
  listHooksResponseSchema,
  listRunsResponseSchema,
  openApiResponseSchema,
  pingResponseSchema,
  runIdSchema,
  runStatusResponseSchema,
  signingSecretResponseSchema,
  stepIndexSchema,
  stepOutputResponseSchema,
  triggerPayloadSchema,
  triggerResponseSchema,
  triggerTokenParamSchema,
  triggerTokenResponseSchema,
} from './schemas.ts';

/**
 * The OpenAPI 3.1 document of the Hooks API, generated (`z.toJSONSchema`) from the zod schemas in
 * schemas.ts — the ones the handlers validate requests with and the tests check responses against.
 * Every route the app registers has an entry in OPERATIONS (a test holds the two together).
 */

type Method = 'get' | 'put' | 'post' | 'delete';
type ParamName = 'hookGroupId' | 'hookId' | 'runId' | 'index' | 'token';

export interface ApiOperation {
  method: Method;
  /** Relative to /api/hooks/v1, in the router's syntax (`/hooks/:hookGroupId`). */
  path: string;
  operationId: string;
  summary: string;
  tag: 'hooks' | 'triggers' | 'runs' | 'service';
  /** A named component schema for the JSON request body. */
  body?: ComponentName;
  query?: Array<'limit' | 'continuationToken'>;
  idempotencyKey?: boolean;
  /** The 200 response body. */
  response: ComponentName;
  /** Error statuses this operation answers besides 400, 413 and 500. */
  errors?: number[];
}

const COMPONENTS = {
  HookDefinitionInput: { schema: hookDefinitionInputSchema, io: 'input' },
  HookDefinition: { schema: hookDefinitionSchema, io: 'output' },
  TriggerPayload: { schema: triggerPayloadSchema, io: 'input' },
  Error: { schema: errorResponseSchema, io: 'output' },
  Ping: { schema: pingResponseSchema, io: 'output' },
  Empty: { schema: emptyResponseSchema, io: 'output' },
  ListHookGroups: { schema: listHookGroupsResponseSchema, io: 'output' },
  ListHooks: { schema: listHooksResponseSchema, io: 'output' },
  HookStatus: { schema: hookStatusResponseSchema, io: 'output' },
  TriggerResult: { schema: triggerResponseSchema, io: 'output' },
  TriggerToken: { schema: triggerTokenResponseSchema, io: 'output' },
  SigningSecret: { schema: signingSecretResponseSchema, io: 'output' },
  LastFires: { schema: lastFiresResponseSchema, io: 'output' },
  ListRuns: { schema: listRunsResponseSchema, io: 'output' },
  RunStatus: { schema: runStatusResponseSchema, io: 'output' },
  StepOutput: { schema: stepOutputResponseSchema, io: 'output' },
  History: { schema: historyResponseSchema, io: 'output' },
  OpenApi: { schema: openApiResponseSchema, io: 'output' },
} as const satisfies Record<string, { schema: z.ZodType; io: 'input' | 'output' }>;

export type ComponentName = keyof typeof COMPONENTS;

const HOOK = '/hooks/:hookGroupId/:hookId';
const PAGE = ['limit', 'continuationToken'] as const;

export const OPERATIONS: ApiOperation[] = [
  { method: 'get', path: '/ping', operationId: 'ping', summary: 'Is the service alive', tag: 'service', response: 'Ping' },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApi',
    summary: 'This OpenAPI 3.1 document (no authentication)',
    tag: 'service',
    response: 'OpenApi',
  },
  {
    method: 'get',
    path: '/hooks',
    operationId: 'listHookGroups',
    summary: 'The hook groups that have hooks',
    tag: 'hooks',
    response: 'ListHookGroups',
  },
  {
    method: 'get',
    path: '/hooks/:hookGroupId',
    operationId: 'listHooks',
    summary: 'The hooks of a group (404 when it has none)',
    tag: 'hooks',
    response: 'ListHooks',
    errors: [404],
  },
  { method: 'get', path: HOOK, operationId: 'hook', summary: "A hook's definition", tag: 'hooks', response: 'HookDefinition', errors: [404] },
  {
    method: 'put',
    path: HOOK,
    operationId: 'createHook',
    summary: 'Create a hook (200 when an identical one exists, 409 when a different one does)',
    tag: 'hooks',
    body: 'HookDefinitionInput',
    response: 'HookDefinition',
    errors: [409],
  },
  {
    method: 'post',
    path: HOOK,
    operationId: 'updateHook',
    summary: 'Replace a hook\'s definition (an omitted triggerSchema keeps the stored one)',
    tag: 'hooks',
    body: 'HookDefinitionInput',
    response: 'HookDefinition',
    errors: [404, 409],
  },
  {
    method: 'delete',
    path: HOOK,
    operationId: 'removeHook',
    summary: 'Remove a hook with its fires, token, schedules and bindings (its history stays)',
    tag: 'hooks',
    response: 'Empty',
    errors: [404],
  },
  {
    method: 'get',
    path: `${HOOK}/status`,
    operationId: 'getHookStatus',
    summary: 'The last fire and the next scheduled time',
    tag: 'hooks',
    response: 'HookStatus',
    errors: [404],
  },
  {
    method: 'get',
    path: `${HOOK}/history`,
    operationId: 'hookHistory',
    summary: 'Audit records of the hook, newest first (readable after the hook is removed)',
    tag: 'hooks',
    query: [...PAGE],
    response: 'History',
  },
  {
    method: 'post',
    path: `${HOOK}/trigger`,
    operationId: 'triggerHook',
    summary: 'Fire the hook with a payload',
    tag: 'triggers',
    body: 'TriggerPayload',
    idempotencyKey: true,
    response: 'TriggerResult',
    errors: [404],
  },
  {
    method: 'get',
    path: `${HOOK}/token`,
    operationId: 'getTriggerToken',
    summary: "The hook's trigger token",
    tag: 'triggers',
    response: 'TriggerToken',
    errors: [404],
  },
  {
    method: 'post',
    path: `${HOOK}/token`,
    operationId: 'resetTriggerToken',
    summary: 'Replace the trigger token (the old one stops working)',
    tag: 'triggers',
    response: 'TriggerToken',
    errors: [404],
  },
  {
    method: 'post',
    path: `${HOOK}/trigger/:token`,
    operationId: 'triggerHookWithToken',
    summary: 'Fire the hook with its trigger token (a wrong token and an unknown hook are the same 401)',
    tag: 'triggers',
    body: 'TriggerPayload',
    idempotencyKey: true,
    response: 'TriggerResult',
    errors: [401],
  },
  {
    method: 'get',
    path: `${HOOK}/last-fires`,
    operationId: 'listLastFires',
    summary: "The hook's fires, newest first, each with its run's own state and result",
    tag: 'triggers',
    query: [...PAGE],
    response: 'LastFires',
    errors: [404],
  },
  {
    method: 'get',
    path: `${HOOK}/signing-secret`,
    operationId: 'getSigningSecret',
    summary: 'The secret that signs the hook\'s http steps',
    tag: 'hooks',
    response: 'SigningSecret',
    errors: [404],
  },
  {
    method: 'post',
    path: `${HOOK}/signing-secret`,
    operationId: 'resetSigningSecret',
    summary: 'Replace the signing secret',
    tag: 'hooks',
    response: 'SigningSecret',
    errors: [404],
  },
  {
    method: 'get',
    path: `${HOOK}/runs`,
    operationId: 'listRuns',
    summary: "The hook's runs, newest first",
    tag: 'runs',
    query: [...PAGE],
    response: 'ListRuns',
    errors: [404],
  },
  { method: 'get', path: '/runs/:runId', operationId: 'run', summary: 'A run with its steps', tag: 'runs', response: 'RunStatus', errors: [404] },
  {
    method: 'get',
    path: '/runs/:runId/steps/:index/output',
    operationId: 'stepOutput',
    summary: "A step's kept stdout, stderr and body",
    tag: 'runs',
    response: 'StepOutput',
    errors: [404],
  },
  {
    method: 'post',
    path: '/runs/:runId/cancel',
    operationId: 'cancelRun',
    summary: 'Cancel a run (runOnFailure post-hooks still run)',
    tag: 'runs',
    response: 'RunStatus',
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/runs/:runId/rerun',
    operationId: 'rerun',
    summary: 'Fire the same rendered job again as a new run (firedBy: rerun)',
    tag: 'runs',
    response: 'TriggerResult',
    errors: [404],
  },
];

const PATH_PARAMS: Record<ParamName, { schema: z.ZodType; description: string }> = {
  hookGroupId: { schema: hookGroupIdSchema, description: 'The hook group.' },
  hookId: { schema: hookIdSchema, description: 'The hook; a `/` in it is sent URL-encoded as %2F.' },
  runId: { schema: runIdSchema, description: 'The run.' },
  index: { schema: stepIndexSchema, description: 'The step, from 0.' },
  token: { schema: triggerTokenParamSchema, description: "The hook's trigger token." },
};

const QUERY_PARAMS: Record<'limit' | 'continuationToken', z.ZodType> = {
  limit: limitQuerySchema,
  continuationToken: continuationTokenQuerySchema,
};

const ERROR_TEXT: Record<number, string> = {
  400: 'InputError, InputValidationError or MalformedPayload, naming the problem',
  401: 'AuthenticationFailed',
  403: 'InsufficientScopes',
  404: 'ResourceNotFound',
  409: 'RequestConflict',
  413: `PayloadTooLarge: the body is over ${MAX_BODY_BYTES} bytes`,
  500: 'InternalServerError',
};

/** A zod schema as a JSON Schema 2020-12 fragment (OpenAPI 3.1's dialect), without `$schema`. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** `/hooks/:hookGroupId` → `/hooks/{hookGroupId}` */
export function openApiPath(routerPath: string): string {
  return routerPath.replace(/:([A-Za-z]+)/g, '{$1}');
}

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

function operationObject(op: ApiOperation): Record<string, unknown> {
  const parameters: Array<Record<string, unknown>> = [];
  for (const [, name] of op.path.matchAll(/:([A-Za-z]+)/g)) {
    const param = PATH_PARAMS[name as ParamName];
    if (!param) throw new Error(`openapi: no schema for path parameter ${name} of ${op.path}`);
    parameters.push({
      name,
      in: 'path',
      required: true,
      description: param.description,
      schema: jsonSchemaOf(param.schema),
    });
  }
  for (const name of op.query ?? []) {
    parameters.push({ name, in: 'query', required: false, schema: jsonSchemaOf(QUERY_PARAMS[name], 'input') });
  }
  if (op.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: jsonSchemaOf(idempotencyKeyHeaderSchema),
    });
  }
  const errors = [...new Set([400, 413, ...(op.errors ?? []), 500])].sort();
  const responses: Record<string, unknown> = {
    '200': { description: 'OK', content: { 'application/json': { schema: ref(op.response) } } },
  };
  for (const status of errors) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'error',
      content: { 'application/json': { schema: ref('Error') } },
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: op.body !== 'TriggerPayload', content: { 'application/json': { schema: ref(op.body) } } } }
      : {}),
    responses,
  };
}

let cached: Record<string, unknown> | undefined;

/** The document, built once per process. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const path = openApiPath(op.path);
    paths[path] ??= {};
    paths[path][op.method] = operationObject(op);
  }
  const schemas: Record<string, unknown> = {};
  for (const [name, { schema, io }] of Object.entries(COMPONENTS)) schemas[name] = jsonSchemaOf(schema, io);
  cached = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Hookline Hooks API',
      version: '1.0.0',
      description:
        "Taskcluster's Hooks API (the published taskcluster-client works unchanged) plus Hookline's run endpoints. " +
        'Errors are {code, message, requestInfo}. Request bodies are JSON, at most 1 MiB. A task template is JSON-e; ' +
        'it has no static check, so a template that cannot render is a 400 when the hook fires, not when it is created.',
    },
    servers: [{ url: '/api/hooks/v1' }],
    tags: [{ name: 'hooks' }, { name: 'triggers' }, { name: 'runs' }, { name: 'service' }],
    paths,
    components: { schemas },
  };
  return cached;
}
