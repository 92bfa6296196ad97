import * as z from 'zod';
import { MAX_BODY_BYTES } from './requestBody.ts';
import {
  clientHistoryResponseSchema,
  clientIdSchema,
  clientPrefixQuerySchema,
  clientResponseSchema,
  clientWithTokenResponseSchema,
  configKeyParamSchema,
  configValueInputSchema,
  continuationTokenQuerySchema,
  createClientInputSchema,
  emptyResponseSchema,
  errorResponseSchema,
  historyResponseSchema,
  hookDefinitionInputSchema,
  hookDefinitionSchema,
  hookGroupIdSchema,
  hookIdSchema,
  hookConfigResponseSchema,
  hookStatusResponseSchema,
  hookTypeNameSchema,
  hookTypeResponseSchema,
  hookTypeSchema,
  idempotencyKeyHeaderSchema,
  lastFiresResponseSchema,
  limitQuerySchema,
  listHookGroupsResponseSchema,
  listClientsResponseSchema,
  listHooksResponseSchema,
  listHookTypesResponseSchema,
  listRunsResponseSchema,
  matchEventInputSchema,
  matchEventResponseSchema,
  openApiResponseSchema,
  outputOffsetQuery,
  recentRunsQuery,
  renderDefinitionInputSchema,
  renderHookInputSchema,
  renderResponseSchema,
  runEventsResponseSchema,
  runEventsTicketQuerySchema,
  runEventsTicketResponseSchema,
  pingResponseSchema,
  reconcileResponseSchema,
  runIdSchema,
  runStatusResponseSchema,
  schedulePreviewQuery,
  schedulePreviewResponseSchema,
  signingSecretResponseSchema,
  stepIndexSchema,
  stepOutputResponseSchema,
  triggerPayloadSchema,
  triggerResponseSchema,
  triggerTokenParamSchema,
  triggerTokenResponseSchema,
  updateClientInputSchema,
  artifactFileResponseSchema,
  artifactNameParamSchema,
  listArtifactsResponseSchema,
} from './schemas.ts';

/**
 * The OpenAPI 3.1 document of the Hooks API, generated (`z.toJSONSchema`) from the zod schemas in
 * schemas.ts — the ones the handlers validate requests with and the tests check responses against.
 * Every route the app registers has an entry in OPERATIONS (a test holds the two together).
 */

type Method = 'get' | 'put' | 'post' | 'delete';
type ParamName =
  | 'hookGroupId'
  | 'hookId'
  | 'runId'
  | 'index'
  | 'token'
  | 'clientId'
  | 'name'
  | 'key'
  | 'artifact';
type QueryName =
  | 'limit'
  | 'continuationToken'
  | 'prefix'
  | 'token'
  | keyof typeof schedulePreviewQuery
  | keyof typeof recentRunsQuery
  | keyof typeof outputOffsetQuery;

export interface ApiOperation {
  method: Method;
  /** Relative to /api/hooks/v1, in the router's syntax (`/hooks/:hookGroupId`). */
  path: string;
  operationId: string;
  summary: string;
  tag: 'hooks' | 'triggers' | 'runs' | 'clients' | 'hook-types' | 'service';
  /** A named component schema for the JSON request body. */
  body?: ComponentName;
  query?: QueryName[];
  requiredQuery?: QueryName[];
  /** Needs no credentials (auth/publicRoutes.ts). */
  public?: boolean;
  idempotencyKey?: boolean;
  /** Takes Last-Event-ID (a Server-Sent Events stream resumed). */
  lastEventId?: boolean;
  /** The 200 response body. */
  response: ComponentName;
  /** Its media type, when not JSON. */
  responseType?: string;
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
  ClientInput: { schema: createClientInputSchema, io: 'input' },
  ClientUpdate: { schema: updateClientInputSchema, io: 'input' },
  Client: { schema: clientResponseSchema, io: 'output' },
  ClientWithToken: { schema: clientWithTokenResponseSchema, io: 'output' },
  ListClients: { schema: listClientsResponseSchema, io: 'output' },
  ClientHistory: { schema: clientHistoryResponseSchema, io: 'output' },
  HookTypeInput: { schema: hookTypeSchema, io: 'input' },
  HookType: { schema: hookTypeResponseSchema, io: 'output' },
  ListHookTypes: { schema: listHookTypesResponseSchema, io: 'output' },
  ConfigValue: { schema: configValueInputSchema, io: 'input' },
  HookConfig: { schema: hookConfigResponseSchema, io: 'output' },
  SchedulePreview: { schema: schedulePreviewResponseSchema, io: 'output' },
  Reconcile: { schema: reconcileResponseSchema, io: 'output' },
  RenderHook: { schema: renderHookInputSchema, io: 'input' },
  RenderDefinition: { schema: renderDefinitionInputSchema, io: 'input' },
  Render: { schema: renderResponseSchema, io: 'output' },
  RunEventsTicket: { schema: runEventsTicketResponseSchema, io: 'output' },
  RunEvents: { schema: runEventsResponseSchema, io: 'output' },
  MatchEventInput: { schema: matchEventInputSchema, io: 'input' },
  MatchEvent: { schema: matchEventResponseSchema, io: 'output' },
  ListArtifacts: { schema: listArtifactsResponseSchema, io: 'output' },
  ArtifactFile: { schema: artifactFileResponseSchema, io: 'output' },
} as const satisfies Record<string, { schema: z.ZodType; io: 'input' | 'output' }>;

export type ComponentName = keyof typeof COMPONENTS;

const HOOK = '/hooks/:hookGroupId/:hookId';
const PAGE = ['limit', 'continuationToken'] as const;
const CLIENT = '/clients/:clientId';

export const OPERATIONS: ApiOperation[] = [
  {
    method: 'get',
    path: '/ping',
    operationId: 'ping',
    summary: 'Is the service alive',
    tag: 'service',
    response: 'Ping',
    public: true,
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApi',
    summary: 'This OpenAPI 3.1 document (no authentication)',
    tag: 'service',
    response: 'OpenApi',
    public: true,
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
  {
    method: 'get',
    path: HOOK,
    operationId: 'hook',
    summary: "A hook's definition",
    tag: 'hooks',
    response: 'HookDefinition',
    errors: [404],
  },
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
    summary: "Replace a hook's definition (an omitted triggerSchema keeps the stored one)",
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
    errors: [404, 409],
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
    errors: [401, 409],
    public: true,
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
    summary: "The secret that signs the hook's http steps",
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
  {
    method: 'get',
    path: '/runs',
    operationId: 'listRecentRuns',
    summary: 'Runs across hooks, newest first; only runs of hooks the caller may read (hooks:get-run)',
    tag: 'runs',
    query: ['hookGroupId', 'hookId', 'status', 'result', 'firedBy', 'since', 'until', ...PAGE],
    response: 'ListRuns',
  },
  {
    method: 'get',
    path: '/runs/:runId/events',
    operationId: 'runEvents',
    summary: 'Server-Sent Events of a run: run, step and output events, resumable with Last-Event-ID',
    tag: 'runs',
    query: ['token'],
    lastEventId: true,
    response: 'RunEvents',
    responseType: 'text/event-stream',
    errors: [404],
  },
  {
    method: 'post',
    path: '/runs/:runId/events/ticket',
    operationId: 'runEventsTicket',
    summary: "A ticket (about 60 s) that opens this run's events without an Authorization header",
    tag: 'runs',
    response: 'RunEventsTicket',
    errors: [404],
  },
  {
    method: 'post',
    path: `${HOOK}/render`,
    operationId: 'renderHook',
    summary: 'Render the hook for a firing context, running nothing: the job, or the error a fire would get',
    tag: 'triggers',
    body: 'RenderHook',
    response: 'Render',
    errors: [404],
  },
  {
    method: 'post',
    path: '/render',
    operationId: 'renderDefinition',
    summary: 'Render an unsaved hook definition for a firing context, running nothing',
    tag: 'triggers',
    body: 'RenderDefinition',
    response: 'Render',
  },
  {
    method: 'get',
    path: '/runs/:runId',
    operationId: 'run',
    summary: 'A run with its steps',
    tag: 'runs',
    response: 'RunStatus',
    errors: [404],
  },
  {
    method: 'get',
    path: '/runs/:runId/steps/:index/output',
    operationId: 'stepOutput',
    summary: "A step's kept stdout, stderr and body from the given offsets (while it runs too)",
    tag: 'runs',
    query: ['stdoutOffset', 'stderrOffset'],
    response: 'StepOutput',
    errors: [404],
  },
  {
    method: 'get',
    path: '/runs/:runId/artifacts',
    operationId: 'listArtifacts',
    summary: "The run's kept artifacts: name, step, size, SHA-256, content type, expiry (hooks:get-artifact)",
    tag: 'runs',
    response: 'ListArtifacts',
    errors: [404],
  },
  {
    method: 'get',
    path: '/runs/:runId/artifacts/:artifact',
    operationId: 'getArtifact',
    summary: 'One artifact of the run, as a download (hooks:get-artifact)',
    tag: 'runs',
    response: 'ArtifactFile',
    responseType: 'application/octet-stream',
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
  {
    method: 'put',
    path: `${HOOK}/config/:key`,
    operationId: 'setHookConfigKey',
    summary: "Set one key of the hook's stored config (checked against its hook type)",
    tag: 'hooks',
    body: 'ConfigValue',
    response: 'HookConfig',
    errors: [404],
  },
  {
    method: 'delete',
    path: `${HOOK}/config/:key`,
    operationId: 'removeHookConfigKey',
    summary: "Remove one key of the hook's stored config",
    tag: 'hooks',
    response: 'HookConfig',
    errors: [404],
  },
  {
    method: 'post',
    path: `${HOOK}/reconcile`,
    operationId: 'reconcileHook',
    summary: "Make the hook's rules and schedules match its definition again",
    tag: 'hooks',
    response: 'Reconcile',
  },
  {
    method: 'post',
    path: '/events/match',
    operationId: 'matchEvent',
    summary: "Which hooks' bindings an event matches, and by which pattern (nothing fires)",
    tag: 'hooks',
    body: 'MatchEventInput',
    response: 'MatchEvent',
  },
  {
    method: 'get',
    path: '/schedule-preview',
    operationId: 'schedulePreview',
    summary: 'The next fire times of a schedule expression (no hook needed)',
    tag: 'service',
    query: ['expression', 'timezone', 'from', 'count'],
    requiredQuery: ['expression'],
    response: 'SchedulePreview',
    public: true,
  },
  {
    method: 'get',
    path: '/hook-types',
    operationId: 'listHookTypes',
    summary: 'The hook types',
    tag: 'hook-types',
    response: 'ListHookTypes',
  },
  {
    method: 'get',
    path: '/hook-types/:name',
    operationId: 'hookType',
    summary: 'A hook type',
    tag: 'hook-types',
    response: 'HookType',
    errors: [404],
  },
  {
    method: 'put',
    path: '/hook-types/:name',
    operationId: 'putHookType',
    summary: 'Create or replace a hook type',
    tag: 'hook-types',
    body: 'HookTypeInput',
    response: 'HookType',
  },
  {
    method: 'delete',
    path: '/hook-types/:name',
    operationId: 'removeHookType',
    summary: 'Remove a hook type no hook uses (409 while one does)',
    tag: 'hook-types',
    response: 'Empty',
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/clients',
    operationId: 'listClients',
    summary: 'The clients',
    tag: 'clients',
    query: ['prefix', ...PAGE],
    response: 'ListClients',
  },
  {
    method: 'get',
    path: CLIENT,
    operationId: 'client',
    summary: 'A client',
    tag: 'clients',
    response: 'Client',
    errors: [404],
  },
  {
    method: 'get',
    path: `${CLIENT}/history`,
    operationId: 'clientHistory',
    summary: "Audit records of the client's changes",
    tag: 'clients',
    query: [...PAGE],
    response: 'ClientHistory',
    errors: [404],
  },
  {
    method: 'put',
    path: CLIENT,
    operationId: 'createClient',
    summary: 'Create a client (its access token is in the answer, once)',
    tag: 'clients',
    body: 'ClientInput',
    response: 'ClientWithToken',
    errors: [409],
  },
  {
    method: 'post',
    path: CLIENT,
    operationId: 'updateClient',
    summary: "Change a client's description, expiry or scopes",
    tag: 'clients',
    body: 'ClientUpdate',
    response: 'Client',
    errors: [404],
  },
  {
    method: 'post',
    path: `${CLIENT}/reset`,
    operationId: 'resetAccessToken',
    summary: "Replace a client's access token",
    tag: 'clients',
    response: 'ClientWithToken',
    errors: [404],
  },
  {
    method: 'post',
    path: `${CLIENT}/disable`,
    operationId: 'disableClient',
    summary: 'Disable a client',
    tag: 'clients',
    response: 'Client',
    errors: [404],
  },
  {
    method: 'post',
    path: `${CLIENT}/enable`,
    operationId: 'enableClient',
    summary: 'Enable a client',
    tag: 'clients',
    response: 'Client',
    errors: [404],
  },
  {
    method: 'delete',
    path: CLIENT,
    operationId: 'deleteClient',
    summary: 'Delete a client',
    tag: 'clients',
    response: 'Empty',
    errors: [404],
  },
];

const PATH_PARAMS: Record<ParamName, { schema: z.ZodType; description: string }> = {
  hookGroupId: { schema: hookGroupIdSchema, description: 'The hook group.' },
  hookId: { schema: hookIdSchema, description: 'The hook; a `/` in it is sent URL-encoded as %2F.' },
  runId: { schema: runIdSchema, description: 'The run.' },
  index: { schema: stepIndexSchema, description: 'The step, from 0.' },
  token: { schema: triggerTokenParamSchema, description: "The hook's trigger token." },
  clientId: { schema: clientIdSchema, description: 'The client.' },
  name: { schema: hookTypeNameSchema, description: 'The hook type.' },
  key: { schema: configKeyParamSchema, description: 'The config key.' },
  artifact: { schema: artifactNameParamSchema, description: 'The artifact.' },
};

const QUERY_PARAMS: Record<QueryName, z.ZodType> = {
  limit: limitQuerySchema,
  continuationToken: continuationTokenQuerySchema,
  prefix: clientPrefixQuerySchema,
  token: runEventsTicketQuerySchema,
  ...schedulePreviewQuery,
  ...recentRunsQuery,
  ...outputOffsetQuery,
};

const ERROR_TEXT: Record<number, string> = {
  400: 'InputError, InputValidationError or MalformedPayload, naming the problem',
  401: 'AuthenticationFailed',
  403: 'InsufficientScopes',
  429: 'TooManyRequests: over the per-client rate limit (Retry-After)',
  404: 'ResourceNotFound',
  409: 'RequestConflict (for a trigger: its Idempotency-Key was used with another payload)',
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
    parameters.push({
      name,
      in: 'query',
      required: op.requiredQuery?.includes(name) ?? false,
      schema: jsonSchemaOf(QUERY_PARAMS[name], 'input'),
    });
  }
  if (op.lastEventId) {
    parameters.push({
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description: 'Resume after this event (EventSource sends it when it reconnects).',
      schema: { type: 'string' },
    });
  }
  if (op.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: jsonSchemaOf(idempotencyKeyHeaderSchema),
    });
  }
  const errors = [
    ...new Set([400, 413, ...(op.public ? [] : [401, 403, 429]), ...(op.errors ?? []), 500]),
  ].sort();
  const responses: Record<string, unknown> = {
    '200': {
      description: 'OK',
      content: { [op.responseType ?? 'application/json']: { schema: ref(op.response) } },
    },
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
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.body !== 'TriggerPayload',
            content: { 'application/json': { schema: ref(op.body) } },
          },
        }
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
        'at create and update every firing path that needs no caller input is rendered, and a definition that cannot produce a valid job is a 400 naming the path; ' +
        'POST /hooks/{g}/{h}/render and POST /render render for any firing context without running anything. ' +
        'Limits (what one DynamoDB item holds): a body nests at most 64 levels and has no "__proto__" key; its numbers are ' +
        "at most 2^53 - 1 in magnitude (and 0 or at least 1e-130); a stored definition is at most 128 KiB of JSON, a run's " +
        'payload and rendered job 300 KiB together, each nested at most 28 levels; hookGroupId and hookId together are ' +
        'at most 1023 characters. The history of a removed hook stays readable.',
    },
    servers: [{ url: '/api/hooks/v1' }],
    tags: ['hooks', 'triggers', 'runs', 'hook-types', 'clients', 'service'].map((name) => ({ name })),
    security: [{ bearer: [] }, { hawk: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Authorization: Bearer <clientId>:<accessToken>',
        },
        hawk: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: "Hawk, as Taskcluster's clients sign requests (clientId as id, accessToken as key).",
        },
      },
    },
  };
  return cached;
}
