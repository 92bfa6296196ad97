import * as z from 'zod';
import {
  type EndpointAuth,
  type EndpointDeclaration,
  isPublic,
  type Method,
  pathParams,
  routerPath,
} from './endpoint.ts';
import { ENDPOINT_LIST } from './endpoints/index.ts';
import { MAX_BODY_BYTES } from './requestBody.ts';
import {
  clientHistoryResponseSchema,
  clientResponseSchema,
  clientWithTokenResponseSchema,
  configValueInputSchema,
  createClientInputSchema,
  emptyResponseSchema,
  errorResponseSchema,
  historyResponseSchema,
  hookDefinitionInputSchema,
  hookDefinitionSchema,
  hookConfigResponseSchema,
  hookStatusResponseSchema,
  hookTypeResponseSchema,
  hookTypeSchema,
  lastFiresResponseSchema,
  listHookGroupsResponseSchema,
  listClientsResponseSchema,
  listHooksResponseSchema,
  listHookTypesResponseSchema,
  listRunsResponseSchema,
  matchEventInputSchema,
  matchEventResponseSchema,
  openApiResponseSchema,
  renderDefinitionInputSchema,
  renderHookInputSchema,
  renderResponseSchema,
  runEventsResponseSchema,
  runEventsTicketResponseSchema,
  pingResponseSchema,
  reconcileResponseSchema,
  runStatusResponseSchema,
  schedulePreviewResponseSchema,
  signingSecretResponseSchema,
  stepOutputResponseSchema,
  triggerPayloadSchema,
  triggerResponseSchema,
  triggerTokenResponseSchema,
  updateClientInputSchema,
  artifactFileResponseSchema,
  listArtifactsResponseSchema,
} from './schemas.ts';

/**
 * The OpenAPI 3.1 document of the Hooks API, generated from the endpoint declarations
 * (functions/api/endpoints/) and their zod schemas (schemas.ts, `z.toJSONSchema`) — the ones the
 * routes validate requests with and the tests check responses against.
 */

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

/**
 * The named component of a schema a declaration uses (each request body and response is one); a schema
 * listed under two names (createClient's and updateClient's are one) is referred to by the first.
 */
const COMPONENT_OF = new Map<z.ZodType, ComponentName>();
for (const [name, { schema }] of Object.entries(COMPONENTS))
  if (!COMPONENT_OF.has(schema)) COMPONENT_OF.set(schema, name as ComponentName);

function componentOf(schema: z.ZodType, where: string): ComponentName {
  const name = COMPONENT_OF.get(schema);
  if (!name) throw new Error(`openapi: the schema of ${where} is not a named component (COMPONENTS)`);
  return name;
}

/** An operation as the API tests walk them: method, router path, name, public or not, body or not. */
export interface ApiOperation {
  method: Method;
  /** Relative to /api/hooks/v1, in the router's syntax (`/hooks/:hookGroupId`). */
  path: string;
  operationId: string;
  public: boolean;
  /** The component of its JSON request body. */
  body?: ComponentName;
}

export const OPERATIONS: ApiOperation[] = ENDPOINT_LIST.map((declaration) => ({
  method: declaration.method,
  path: routerPath(declaration.path),
  operationId: declaration.name,
  public: isPublic(declaration),
  ...(declaration.body ? { body: componentOf(declaration.body.schema, declaration.name) } : {}),
}));

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

function operationObject(declaration: EndpointDeclaration): Record<string, unknown> {
  const parameters: Array<Record<string, unknown>> = [];
  for (const name of pathParams(declaration.path)) {
    const param = declaration.params?.[name];
    if (!param) throw new Error(`openapi: ${declaration.name} declares no path parameter ${name}`);
    parameters.push({
      name,
      in: 'path',
      required: true,
      description: param.description,
      schema: jsonSchemaOf(param.schema),
    });
  }
  for (const [name, query] of Object.entries(declaration.query ?? {})) {
    parameters.push({
      name,
      in: 'query',
      required: query.missing !== undefined,
      ...(query.description ? { description: query.description } : {}),
      schema: jsonSchemaOf(query.schema, 'input'),
    });
  }
  for (const [name, header] of Object.entries(declaration.headers ?? {})) {
    parameters.push({
      name: header.headerName ?? name,
      in: 'header',
      required: header.missing !== undefined,
      ...(header.description ? { description: header.description } : {}),
      schema: jsonSchemaOf(header.schema),
    });
  }
  const open = isPublic(declaration);
  const errors = [
    ...new Set([400, 413, ...(open ? [] : [401, 403, 429]), ...(declaration.errors ?? []), 500]),
  ].sort();
  const response = declaration.response;
  const responses: Record<string, unknown> = {
    '200': {
      description: 'OK',
      content: {
        [response.contentType ?? 'application/json']: {
          schema: ref(componentOf(response.schema, declaration.name)),
        },
      },
    },
  };
  for (const status of errors) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'error',
      content: { 'application/json': { schema: ref('Error') } },
    };
  }
  const body = declaration.body;
  return {
    operationId: declaration.name,
    summary: declaration.summary,
    tags: [declaration.tag],
    ...(open ? { security: [] } : {}),
    ...authExtensions(declaration.auth),
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            // a body that may be empty (stands for `whenEmpty`) is optional
            required: body.whenEmpty === undefined,
            content: { 'application/json': { schema: ref(componentOf(body.schema, declaration.name)) } },
          },
        }
      : {}),
    responses,
  };
}

/** Who may call it, as Hookline's extensions: the scope template (`<var>`s filled per request) and the rest. */
function authExtensions(auth: EndpointAuth): Record<string, string> {
  if ('public' in auth) return { 'x-hookline-public': auth.public };
  return {
    ...(auth.scope !== undefined ? { 'x-hookline-scope': auth.scope } : {}),
    ...(auth.filter !== undefined ? { 'x-hookline-scope-filter': auth.filter } : {}),
    ...(auth.ticket !== undefined ? { 'x-hookline-ticket-query': auth.ticket } : {}),
  };
}

let cached: Record<string, unknown> | undefined;

/** The document, built once per process. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const declaration of ENDPOINT_LIST) {
    paths[declaration.path] = {
      ...paths[declaration.path],
      [declaration.method]: operationObject(declaration),
    };
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
