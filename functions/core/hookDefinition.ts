import * as z from 'zod';
import { awsExpressionsOf } from './awsCron.ts';
import { canonicalJson } from './canonicalJson.ts';
import { validateEventPattern } from './eventPattern/parse.ts';
import { hookGroupIdSchema, hookIdSchema } from './ids.ts';
import { parseScheduleExpression } from './schedule/grammar.ts';
import { normaliseScheduleExpression } from './schedule/normalise.ts';
import { validateTimezone } from './schedule/timezone.ts';
import { compileTriggerSchema, DEFAULT_TRIGGER_SCHEMA } from './triggerSchema.ts';

/**
 * The hook definition (README.md, "Hooks"): Taskcluster's fields plus Hookline's extensions.
 * The same schema validates requests and generates the OpenAPI document.
 */

export const MAX_SCHEDULES = 50;
export const MAX_BINDINGS = 50;

export const metadataSchema = z.strictObject({
  name: z.string().min(1).max(255),
  description: z.string().max(32_768),
  owner: z.email(),
  emailOnError: z.boolean().default(true),
});

export const concurrencySchema = z.strictObject({
  limit: z.int().min(1).max(1000),
  onLimit: z.enum(['queue', 'skip', 'cancel-running']).default('queue'),
});

const scheduleEntrySchema = z
  .string()
  .min(1)
  .max(256)
  .superRefine((expr, ctx) => {
    const parsed = parseScheduleExpression(expr);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: `invalid schedule "${expr}": ${parsed.message}` });
      return;
    }
    // Local and cloud must agree: refuse what EventBridge Scheduler cannot express.
    const aws = awsExpressionsOf(parsed.schedule);
    if (!aws.ok) {
      ctx.addIssue({
        code: 'custom',
        message: `schedule "${expr}" cannot run on EventBridge Scheduler: ${aws.message}`,
      });
    }
  })
  .transform((expr) => normaliseScheduleExpression(expr));

const bindingSchema = z.record(z.string(), z.unknown()).superRefine((pattern, ctx) => {
  const result = validateEventPattern(pattern);
  if (!result.ok) ctx.addIssue({ code: 'custom', message: `invalid event pattern: ${result.message}` });
});

const triggerSchemaSchema = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  try {
    compileTriggerSchema(schema);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** A JSON-e template: any JSON object. It is checked by rendering, when the hook fires. */
const taskTemplateSchema = z.record(z.string(), z.unknown());

const definitionFields = {
  hookGroupId: hookGroupIdSchema.optional(),
  hookId: hookIdSchema.optional(),
  metadata: metadataSchema,
  /** Required unless `hookType` names a type, whose `run` template is then used. */
  task: taskTemplateSchema.optional(),
  schedule: z.array(scheduleEntrySchema).max(MAX_SCHEDULES).default([]),
  bindings: z.array(bindingSchema).max(MAX_BINDINGS).default([]),
  triggerSchema: triggerSchemaSchema.optional(),
  scheduleTimezone: z
    .string()
    .max(64)
    .refine(validateTimezone, 'must be an IANA time zone name such as Europe/Berlin')
    .default('UTC'),
  catchUp: z.enum(['none', 'latest', 'all']).default('latest'),
  concurrency: concurrencySchema.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  hookType: z
    .string()
    .regex(/^[a-zA-Z0-9-_]{1,100}$/)
    .optional(),
};

/** The body of createHook (PUT) and updateHook (POST). */
export const hookDefinitionInputSchema = z.strictObject(definitionFields).superRefine((definition, ctx) => {
  if (definition.task === undefined && definition.hookType === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['task'],
      message: 'task is required (or name a hookType whose run template is used)',
    });
  }
});

export type HookDefinitionInput = z.input<typeof hookDefinitionInputSchema>;
export type ParsedHookDefinition = z.output<typeof hookDefinitionInputSchema>;

/** A hook definition with every default applied, as stored and returned. */
export interface HookDefinition {
  hookGroupId: string;
  hookId: string;
  metadata: z.output<typeof metadataSchema>;
  task?: Record<string, unknown>;
  schedule: string[];
  bindings: Record<string, unknown>[];
  triggerSchema: Record<string, unknown>;
  scheduleTimezone: string;
  catchUp: 'none' | 'latest' | 'all';
  concurrency?: z.output<typeof concurrencySchema>;
  config?: Record<string, unknown>;
  hookType?: string;
}

/**
 * Completes a parsed definition: IDs from the path, defaults, and (for updates) the stored
 * triggerSchema kept when the update omits it.
 */
export function completeDefinition(
  hookGroupId: string,
  hookId: string,
  parsed: ParsedHookDefinition,
  previous?: HookDefinition,
): HookDefinition {
  const { hookGroupId: _g, hookId: _h, ...rest } = parsed;
  const definition: HookDefinition = {
    ...rest,
    hookGroupId,
    hookId,
    triggerSchema: parsed.triggerSchema ?? previous?.triggerSchema ?? { ...DEFAULT_TRIGGER_SCHEMA },
  };
  if (definition.config === undefined && previous?.config !== undefined) definition.config = previous.config;
  return stripUndefined(definition);
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** True when two definitions say the same thing (createHook is idempotent for identical bodies). */
export function sameDefinition(a: HookDefinition, b: HookDefinition): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
