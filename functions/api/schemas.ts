import * as z from 'zod';
import { ARTIFACT_NAME_PATTERN } from '../core/artifacts.ts';
import { firedBySchema, runResultSchema, runStatusSchema, runSummarySchema } from '../core/runModel.ts';
import { runStatusViewSchema, stepOutputViewSchema } from '../core/runViews.ts';
import { concurrencySchema, hookDefinitionInputSchema, metadataSchema } from '../core/hookDefinition.ts';
import { clientIdSchema, createClientInputSchema, updateClientInputSchema } from '../app/clients.ts';
import { HOOK_TYPE_NAME_PATTERN, hookTypeSchema } from '../core/hookType.ts';
import { hookGroupIdSchema, hookIdSchema, RUN_ID_PATTERN } from '../core/ids.ts';

/**
 * The shapes of the HTTP API as zod schemas: request parts the handlers validate with (path
 * parameters, query, headers, the hook definition) and the response bodies they answer with. The
 * OpenAPI document (openapi.ts) is generated from these; the API tests check live responses against
 * the response schemas, so the document cannot drift from what the server says.
 */

export {
  clientIdSchema,
  createClientInputSchema,
  hookDefinitionInputSchema,
  hookGroupIdSchema,
  hookIdSchema,
  hookTypeSchema,
  updateClientInputSchema,
};

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

// request parts

export const runIdSchema = z
  .string()
  .regex(RUN_ID_PATTERN, 'is not a run id')
  .describe('A run id (a slugid).');
export const stepIndexSchema = z.int().min(0).max(9999).describe('The step index, from 0.');
export const triggerTokenParamSchema = z
  .string()
  .min(1)
  .max(512)
  .describe("The hook's trigger token (from getTriggerToken).");
export const limitQuerySchema = z
  .int()
  .min(1)
  .max(MAX_PAGE_SIZE)
  .default(DEFAULT_PAGE_SIZE)
  .describe('Most items in one page.');
export const continuationTokenQuerySchema = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+$/)
  .describe('The continuationToken of the previous page.');
export const idempotencyKeyHeaderSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters without spaces')
  .describe('The same key for the same hook within 24 h returns the first run and starts nothing.');
/** A trigger payload: any JSON value, checked against the hook's own triggerSchema. */
export const triggerPayloadSchema = z
  .unknown()
  .describe("The payload, validated against the hook's triggerSchema (defaults applied).");

// responses

export const errorResponseSchema = z
  .strictObject({
    code: z.string().describe('InputError, InputValidationError, MalformedPayload, ResourceNotFound, …'),
    message: z.string(),
    requestInfo: z.strictObject({
      method: z.string(),
      path: z.string(),
      params: z.record(z.string(), z.string()),
      time: z.iso.datetime(),
    }),
    path: z
      .string()
      .optional()
      .describe(
        'Where the problem is: a path in the task template (`task.command[1]`) or in the rendered job.',
      ),
  })
  .describe("Taskcluster's error shape.");

export const pingResponseSchema = z.strictObject({ alive: z.boolean(), uptime: z.number() });

export const hookDefinitionSchema = z
  .strictObject({
    hookGroupId: hookGroupIdSchema,
    hookId: hookIdSchema,
    metadata: metadataSchema,
    task: z.record(z.string(), z.unknown()).describe('The JSON-e template of the job.'),
    schedule: z.array(z.string()),
    bindings: z.array(z.record(z.string(), z.unknown())),
    triggerSchema: z.record(z.string(), z.unknown()),
    scheduleTimezone: z.string(),
    catchUp: z.enum(['none', 'latest', 'all']),
    concurrency: concurrencySchema.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    hookType: z.string().optional(),
  })
  .describe('A hook definition with every default applied, as stored.');

export const listHookGroupsResponseSchema = z.strictObject({ groups: z.array(hookGroupIdSchema) });
export const listHooksResponseSchema = z.strictObject({ hooks: z.array(hookDefinitionSchema) });
export const emptyResponseSchema = z.strictObject({});

const fireTime = z.iso.datetime();
const lastFireRun = {
  runState: runStatusSchema
    .nullable()
    .describe("The run's own state (null: no run started, or it has expired)."),
  runResult: runResultSchema
    .nullable()
    .describe("The run's own result, null until it finishes: `result` says only that the fire started it."),
};
export const lastFireSchema = z.union([
  z.strictObject({
    result: z.literal('success'),
    runId: z.string(),
    taskId: z.string(),
    time: fireTime,
    ...lastFireRun,
  }),
  z.strictObject({
    result: z.literal('error'),
    runId: z.string(),
    taskId: z.string(),
    time: fireTime,
    error: z.string(),
    ...lastFireRun,
  }),
  z.strictObject({ result: z.literal('no-fire') }),
]);

export const hookStatusResponseSchema = z.strictObject({
  lastFire: lastFireSchema,
  nextScheduledDate: z.iso.datetime().optional().describe('When the hook has a schedule.'),
  missedOccurrences: z.int().optional(),
  outOfSync: z.array(z.string()).optional(),
});

export const triggerResponseSchema = z
  .union([
    z.strictObject({
      runId: z.string(),
      taskId: z.string(),
      status: z.strictObject({ taskId: z.string(), runId: z.string() }),
      duplicate: z.literal(true).optional().describe('The Idempotency-Key was seen: this is the first run.'),
    }),
    z.strictObject({}).describe('The template rendered to null: nothing was fired (recorded as declined).'),
    z
      .strictObject({ skipped: z.literal(true), reason: z.string() })
      .describe('The concurrency limit was reached with onLimit: skip (recorded as skipped-concurrency).'),
  ])
  .describe('taskId = runId, for Taskcluster clients.');

export const triggerTokenResponseSchema = z.strictObject({ token: z.string() });
export const signingSecretResponseSchema = z.strictObject({ secret: z.string() });

const continuationToken = z.string().optional().describe('Present when there are more items.');

export const lastFiresResponseSchema = z.strictObject({
  lastFires: z.array(
    z.strictObject({
      hookGroupId: hookGroupIdSchema,
      hookId: hookIdSchema,
      firedBy: firedBySchema,
      runId: z.string(),
      taskId: z.string(),
      time: z.iso.datetime(),
      taskCreateTime: z.iso.datetime(),
      result: z.enum(['success', 'error', 'declined', 'skipped-concurrency', 'queued']),
      error: z.string(),
      runState: runStatusSchema.nullable().describe("The run's own state (null when no run started)."),
      runResult: runResultSchema.nullable().describe("The run's own result (null until it finishes)."),
      taskState: z.enum(['unscheduled', 'pending', 'running', 'completed', 'failed', 'exception']),
    }),
  ),
  continuationToken,
});

/** A run in a listing (functions/core/runModel.ts). */
export { runSummarySchema };

export const listRunsResponseSchema = z.strictObject({ runs: z.array(runSummarySchema), continuationToken });

/** A firing context for the render endpoints: how the hook is fired and with what. */
const renderContextFields = {
  firedBy: z
    .enum(['triggerHook', 'schedule', 'event', 'triggerHookWithToken'])
    .default('triggerHook')
    .describe('The firing path to render for.'),
  payload: z
    .unknown()
    .optional()
    .describe('The trigger payload (checked against the triggerSchema), or the event detail.'),
  event: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The whole event, for firedBy "event" (default: an event whose detail is the payload).'),
};
export const renderHookInputSchema = z
  .strictObject(renderContextFields)
  .describe('Render a stored hook as this fire would, running nothing.');
export const renderDefinitionInputSchema = z
  .strictObject({
    hook: hookDefinitionInputSchema.describe('A hook definition, as PUT /hooks/{g}/{h} takes it.'),
    hookGroupId: hookGroupIdSchema.optional(),
    hookId: hookIdSchema.optional(),
    ...renderContextFields,
  })
  .describe('Render an unsaved hook definition, running nothing.');
export const renderResponseSchema = z.strictObject({
  job: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The rendered job; null when the template declines (the fire would start nothing).'),
});

/** GET /runs filters; every one given must match. */
export const recentRunsQuery = {
  hookGroupId: hookGroupIdSchema.describe('Only runs of this hook group.'),
  hookId: hookIdSchema.describe('Only runs of hooks with this id.'),
  status: runStatusSchema.describe('Only runs in this state.'),
  result: runResultSchema.describe('Only runs with this result.'),
  firedBy: firedBySchema.describe('Only runs fired this way.'),
  since: z.iso.datetime({ offset: true }).describe('Only runs created at or after this time.'),
  until: z.iso.datetime({ offset: true }).describe('Only runs created before this time.'),
};

/** GET /runs/{runId} and GET /runs/{runId}/steps/{index}/output: the views of functions/core/runViews.ts. */
export const runStatusResponseSchema = runStatusViewSchema;
export const stepOutputResponseSchema = stepOutputViewSchema;

/** Offsets into a step's streams: characters of the whole stream (the kept text while nothing was cut). */
export const outputOffsetQuery = {
  stdoutOffset: z.int().min(0).default(0).describe('Read stdout from this character offset.'),
  stderrOffset: z.int().min(0).default(0).describe('Read stderr from this character offset.'),
};

export const runEventsTicketResponseSchema = z.strictObject({
  token: z.string().describe('For GET /runs/{runId}/events?token=… of this run only.'),
  expires: z.iso.datetime(),
});
export const runEventsTicketQuerySchema = z
  .string()
  .max(2048)
  .describe('A ticket from POST /runs/{runId}/events/ticket, instead of an Authorization header.');
export const runEventsResponseSchema = z
  .string()
  .describe(
    'text/event-stream. Events `run` (the run status, as GET /runs/{runId}), `step` (one step, as an element of its steps) ' +
      'and `output` ({index, stream, offset, text}); each with an id to resume from with Last-Event-ID. The first event is ' +
      "a `run` snapshot (unless resuming); a finished run's last event is its `run` event, and the stream closes.",
  );

export const historyResponseSchema = z.strictObject({
  history: z.array(
    z.strictObject({
      hookGroupId: hookGroupIdSchema,
      hookId: hookIdSchema,
      time: z.iso.datetime(),
      action: z.string().describe('create, update, delete, reset-trigger-token, …'),
      clientId: z.string().optional().describe('Who (absent while authentication is off).'),
      runId: z.string().optional(),
      changes: z
        .unknown()
        .optional()
        .describe('What changed: the definition (create, delete) or {field: {from, to}} (update).'),
    }),
  ),
  continuationToken,
});

export const openApiResponseSchema = z.record(z.string(), z.unknown()).describe('This document.');

// clients (Taskcluster's auth service shapes)

export const clientResponseSchema = z.strictObject({
  clientId: z.string(),
  description: z.string(),
  expires: z.iso.datetime(),
  created: z.iso.datetime(),
  lastModified: z.iso.datetime(),
  lastDateUsed: z.iso.datetime(),
  lastRotated: z.iso.datetime(),
  scopes: z.array(z.string()),
  expandedScopes: z.array(z.string()),
  disabled: z.boolean(),
});
export const clientWithTokenResponseSchema = clientResponseSchema
  .extend({ accessToken: z.string().describe('Shown once; keep it.') })
  .describe('A client with its new access token (createClient, resetAccessToken).');
export const listClientsResponseSchema = z.strictObject({
  clients: z.array(clientResponseSchema),
  continuationToken,
});
export const clientHistoryResponseSchema = z.strictObject({
  history: z.array(
    z.strictObject({
      clientId: z.string(),
      time: z.iso.datetime(),
      action: z.enum(['create', 'update', 'reset-access-token', 'disable', 'enable', 'delete', 'bootstrap']),
      by: z.string(),
      changes: z.record(z.string(), z.strictObject({ from: z.unknown(), to: z.unknown() })).optional(),
    }),
  ),
  continuationToken,
});
export const clientPrefixQuerySchema = z
  .string()
  .max(256)
  .describe('Only clients whose id starts with this.');

// hook types and config

export const hookTypeNameSchema = z.string().regex(HOOK_TYPE_NAME_PATTERN).describe('The hook type.');
export const hookTypeResponseSchema = z
  .strictObject({
    name: hookTypeNameSchema,
    description: z.string(),
    configuration: z.record(
      z.string(),
      z.strictObject({
        description: z.string(),
        default: z.unknown().optional(),
        required: z.boolean(),
        schema: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
    concurrency: z
      .strictObject({ limit: z.int(), onLimit: z.enum(['queue', 'skip', 'cancel-running']) })
      .optional()
      .describe('The concurrency policy of its hooks that set none.'),
    events: z.record(z.string(), z.record(z.string(), z.unknown())),
    scriptFolder: z
      .string()
      .optional()
      .describe("The operator's --hook-types folder, for a type whose events run its scripts."),
  })
  .describe('A hook type: its configuration schema and a JSON-e job template per event.');
export const listHookTypesResponseSchema = z.strictObject({ hookTypes: z.array(hookTypeResponseSchema) });
export const configKeyParamSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/)
  .describe("A key of the hook's config.");
export const configValueInputSchema = z
  .strictObject({ value: z.unknown() })
  .describe('The new value of the key.');
export const hookConfigResponseSchema = z.strictObject({ config: z.record(z.string(), z.unknown()) });

// events

export const matchEventInputSchema = z
  .strictObject({
    event: z
      .record(z.string(), z.unknown())
      .describe('An event as EventBridge delivers it: source, detail-type, detail, …'),
  })
  .describe('The event to match against every hook binding.');
export const matchEventResponseSchema = z.strictObject({
  matches: z.array(
    z.strictObject({
      hookGroupId: hookGroupIdSchema,
      hookId: hookIdSchema,
      name: z.string(),
      bindingIndex: z.int().describe("The binding's place in the hook's `bindings`."),
      pattern: z.record(z.string(), z.unknown()).describe('The event pattern that matched.'),
    }),
  ),
});

// schedule preview and reconcile

export const schedulePreviewQuery = {
  expression: z.string().min(1).max(256).describe("A schedule expression, as a hook's `schedule` takes it."),
  timezone: z.string().max(64).default('UTC').describe('IANA time zone.'),
  from: z.iso.datetime({ offset: true }).describe('Fire times strictly after this (default now).'),
  count: z.int().min(1).max(100).default(5).describe('How many fire times.'),
};
export const schedulePreviewResponseSchema = z.strictObject({
  expression: z.string().describe('The expression as given.'),
  canonicalExpression: z
    .string()
    .describe(
      "The form a hook's `schedule` stores it in (e.g. Taskcluster's `0 30 9 * * *` as `30 9 * * *`).",
    ),
  timezone: z.string(),
  times: z.array(z.iso.datetime()),
});
export const reconcileResponseSchema = z.strictObject({
  outOfSync: z
    .array(z.string())
    .describe('What still disagrees; empty when rules and schedules match the hook.'),
});

// artifacts

export const artifactNameParamSchema = z
  .string()
  .regex(ARTIFACT_NAME_PATTERN)
  .describe('An artifact of the run (its name in the list).');
export const artifactSchema = z.strictObject({
  name: z.string(),
  index: z.int().describe('The step that kept it.'),
  stepName: z.string(),
  path: z.string().describe("The file's path in the step's working directory."),
  size: z.int(),
  sha256: z.string().describe('Hex SHA-256 of the content.'),
  contentType: z.string(),
  expiresAt: z.string().describe('When it is no longer served, and removed.'),
});
export const listArtifactsResponseSchema = z
  .strictObject({ artifacts: z.array(artifactSchema) })
  .describe("The run's kept artifacts that have not expired, in step order.");
export const artifactFileResponseSchema = z
  .string()
  .describe(
    'The file, as an attachment, with the listed Content-Type and its SHA-256 in X-Hookline-SHA256 (a deployment that keeps artifacts in S3 answers 302 to a short-lived URL instead).',
  );
