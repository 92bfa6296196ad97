import * as z from 'zod';
import { CLIENT_ID_PATTERN } from '../../app/clients.ts';
import type { TextInput } from '../endpoint.ts';
import {
  artifactNameParamSchema,
  clientIdSchema,
  clientPrefixQuerySchema,
  configKeyParamSchema,
  continuationTokenQuerySchema,
  hookGroupIdSchema,
  hookIdSchema,
  hookTypeNameSchema,
  idempotencyKeyHeaderSchema,
  limitQuerySchema,
  MAX_PAGE_SIZE,
  outputOffsetQuery,
  recentRunsQuery,
  runEventsTicketQuerySchema,
  runIdSchema,
  schedulePreviewQuery,
  stepIndexSchema,
  triggerTokenParamSchema,
} from '../schemas.ts';

/**
 * The request values the endpoints share (path parameters, query parameters, headers), each with the
 * schema that checks it (from schemas.ts) and the 400 that names what is wrong with it.
 */

function input<S extends z.ZodType, const T extends TextInput<S>>(spec: T & TextInput<S>): T {
  return spec;
}

/** A whole number written as digits (at most `digits` of them); anything else is NaN, which no schema takes. */
const digits = (most: number) => (raw: string) =>
  new RegExp(`^\\d{1,${most}}$`).test(raw) ? Number(raw) : Number.NaN;

/** The hook's DynamoDB sort key is `hookGroupId#hookId`, and a sort key is at most 1024 bytes. */
export const MAX_HOOK_KEY_LENGTH = 1023;

// Path parameters arrive as the router decoded them (Taskcluster clients send `/` in a hookId as
// %2F); decoded exactly once: `%252F` is the text `%2F`, which no id may contain.

export const hookGroupIdParam = input({
  schema: hookGroupIdSchema,
  description: 'The hook group.',
  invalid: (raw) => `hookGroupId "${raw.slice(0, 100)}" must match ^[a-zA-Z0-9-_]{1,1000}$`,
});

export const hookIdParam = input({
  schema: hookIdSchema,
  description: 'The hook; a `/` in it is sent URL-encoded as %2F.',
  invalid: (raw) => `hookId "${raw.slice(0, 100)}" must match ^[a-zA-Z0-9-_/]{1,1000}$`,
  together: ({ hookGroupId = '', hookId = '' }) =>
    hookGroupId.length + hookId.length > MAX_HOOK_KEY_LENGTH
      ? `hookGroupId and hookId are together at most ${MAX_HOOK_KEY_LENGTH} characters (they are ${hookGroupId.length + hookId.length})`
      : undefined,
});

/** `/hooks/{hookGroupId}/{hookId}…` */
export const hookPath = { hookGroupId: hookGroupIdParam, hookId: hookIdParam };

export const runIdParam = input({
  schema: runIdSchema,
  description: 'The run.',
  invalid: (raw) => `runId "${raw.slice(0, 100)}" is not a run id`,
});

export const stepIndexParam = input({
  schema: stepIndexSchema,
  description: 'The step, from 0.',
  fromText: digits(4),
  invalid: (raw) => `step index "${raw.slice(0, 20)}" must be a number from 0 to 9999`,
});

export const triggerTokenParam = input({
  schema: triggerTokenParamSchema,
  description: "The hook's trigger token.",
  invalid: () => 'the trigger token is 1 to 512 characters',
});

export const clientIdParam = input({
  schema: clientIdSchema,
  description: 'The client.',
  invalid: (raw) => `clientId "${raw.slice(0, 100)}" must match ${CLIENT_ID_PATTERN.source}`,
});

export const hookTypeNameParam = input({
  schema: hookTypeNameSchema,
  description: 'The hook type.',
  invalid: (raw) => `hook type name "${raw.slice(0, 100)}" must match ^[a-zA-Z0-9-_]{1,100}$`,
});

export const configKeyParam = input({
  schema: configKeyParamSchema,
  description: 'The config key.',
  invalid: (raw) => `config key "${raw.slice(0, 100)}" must match ^[A-Za-z_][A-Za-z0-9_-]{0,99}$`,
});

export const artifactParam = input({
  schema: artifactNameParamSchema,
  description: 'The artifact.',
  invalid: (raw) => `"${raw.slice(0, 200)}" is not an artifact name`,
});

// query parameters

/** `limit` (1…1000, default 100) and `continuationToken`: one page of a list. */
export const pageQuery = {
  limit: input({
    schema: limitQuerySchema,
    fromText: digits(7),
    invalid: () => `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`,
  }),
  continuationToken: input({
    schema: continuationTokenQuerySchema,
    invalid: () => 'continuationToken is not one this service issued',
  }),
};

export const clientPrefixQuery = input({
  schema: clientPrefixQuerySchema,
  invalid: () => 'prefix is at most 256 characters',
});

/** GET /runs's filters, each checked (a 400 names the one that is wrong). */
export const recentRunsFilterQuery = Object.fromEntries(
  Object.entries(recentRunsQuery).map(([name, schema]: [string, z.ZodType]) => [
    name,
    {
      schema,
      invalid: (raw: string) =>
        `${name} "${raw.slice(0, 100)}" is not valid: ${schema.safeParse(raw).error?.issues[0]?.message}`,
    } satisfies TextInput,
  ]),
) as { [K in keyof typeof recentRunsQuery]: TextInput<(typeof recentRunsQuery)[K]> };

/** A character offset into a step's stream (`stdoutOffset`, `stderrOffset`): absent means 0. */
const offsetInput = (name: keyof typeof outputOffsetQuery) =>
  input({
    schema: outputOffsetQuery[name],
    fromText: digits(12),
    invalid: (raw) => `${name} must be a whole number from 0 (got "${raw.slice(0, 20)}")`,
  });
export const outputOffsetsQuery = {
  stdoutOffset: offsetInput('stdoutOffset'),
  stderrOffset: offsetInput('stderrOffset'),
};

export const runEventsTicketQuery = input({
  schema: runEventsTicketQuerySchema,
  invalid: () => 'token (an events ticket) is at most 2048 characters',
});

export const schedulePreviewInputs = {
  expression: input({
    schema: schedulePreviewQuery.expression,
    // blank is as good as absent
    fromText: (raw) => (raw.trim() === '' ? undefined : raw),
    missing: 'the query parameter "expression" is required, e.g. ?expression=cron(0 12 * * ? *)',
    invalid: (raw) =>
      raw.trim() === ''
        ? 'the query parameter "expression" is required, e.g. ?expression=cron(0 12 * * ? *)'
        : '"expression" is longer than 256 characters',
  }),
  timezone: input({
    schema: schedulePreviewQuery.timezone,
    invalid: (raw) => `"timezone" "${raw.slice(0, 64)}" must be an IANA time zone name such as Europe/Berlin`,
  }),
  from: input({
    schema: schedulePreviewQuery.from,
    // any time Date.parse reads that starts with a date and `T`, as the UTC instant it names
    fromText: (raw) => {
      const ms = /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : Number.NaN;
      return Number.isNaN(ms) ? raw : new Date(ms).toISOString();
    },
    invalid: (raw) => `"from" "${raw.slice(0, 64)}" must be an ISO 8601 time such as 2030-01-01T00:00:00Z`,
  }),
  count: input({
    schema: schedulePreviewQuery.count,
    fromText: digits(4),
    invalid: () => '"count" must be a whole number from 1 to 100',
  }),
};

// headers

export const idempotencyKeyHeader = input({
  schema: idempotencyKeyHeaderSchema,
  headerName: 'Idempotency-Key',
  invalid: () => 'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces',
});

export const lastEventIdHeader = input({
  schema: z.string(),
  headerName: 'Last-Event-ID',
  description: 'Resume after this event (EventSource sends it when it reconnects).',
  invalid: () => 'Last-Event-ID is not an event id of this run',
});
