import * as z from 'zod';
import { inputError } from './errors.ts';
import { concurrencySchema } from './hookDefinition.ts';
import { compileTriggerSchema } from './triggerSchema.ts';

/**
 * Hook types (Razor): a named, reusable definition — a configuration schema (each key with
 * description, default, required and a JSON Schema for its value) and a JSON-e job template per
 * event it handles (`run` for API calls and schedules; a lifecycle event name such as
 * `Run Finished` for event-fired hooks).
 */
export const HOOK_TYPE_NAME_PATTERN = /^[a-zA-Z0-9-_]{1,100}$/;
export const LIFECYCLE_EVENT_NAMES = [
  'Hook Created',
  'Hook Updated',
  'Hook Deleted',
  'Hook Fired',
  'Run Started',
  'Step Started',
  'Step Finished',
  'Run Finished',
] as const;

export const configKeySchema = z.strictObject({
  description: z.string().max(4096).default(''),
  default: z.unknown().optional(),
  required: z.boolean().default(false),
  schema: z
    .record(z.string(), z.unknown())
    .superRefine((schema, ctx) => {
      try {
        compileTriggerSchema(schema);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: (error as Error).message.replace('triggerSchema', 'schema'),
        });
      }
    })
    .optional(),
});

/** An event's name as a file of a `<name>.hook/` folder: `run`, `run-finished`, `step-finished`, … */
export function eventFileBase(eventName: string): string {
  return eventName.toLowerCase().replace(/ /g, '-');
}

/** The event a file base names (`run-finished` → `Run Finished`), or undefined. */
export function eventOfFileBase(base: string): string | undefined {
  if (base === 'run') return 'run';
  return LIFECYCLE_EVENT_NAMES.find((name) => eventFileBase(name) === base);
}

const eventNameSchema = z.union([z.literal('run'), z.enum(LIFECYCLE_EVENT_NAMES)]);

export const hookTypeSchema = z.strictObject({
  description: z.string().max(32_768).default(''),
  configuration: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'config keys are letters, digits, _ and -'),
      configKeySchema,
    )
    .default({}),
  /** The concurrency policy of hooks of this type that set none (a script folder's: one at a time, queued). */
  concurrency: concurrencySchema.optional(),
  events: z.record(z.string(), z.record(z.string(), z.unknown())).superRefine((events, ctx) => {
    if (Object.keys(events).length === 0)
      ctx.addIssue({ code: 'custom', message: 'a hook type handles at least one event' });
    for (const name of Object.keys(events)) {
      if (!eventNameSchema.safeParse(name).success) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `unknown event "${name}" (use "run" or a lifecycle event: ${LIFECYCLE_EVENT_NAMES.join(', ')})`,
        });
      }
    }
  }),
});

export type HookTypeInput = z.input<typeof hookTypeSchema>;
export type HookTypeBody = z.output<typeof hookTypeSchema>;
export interface HookType extends HookTypeBody {
  name: string;
  /**
   * Set only for a type read from the operator's `--hook-types` folder whose events run its
   * executable scripts (functions/adapters/local/hookTypeDirectory.ts): the folder. Never taken
   * from the API, so a type replaced by API loses it (functions/app/runCommandsRight.ts).
   */
  scriptFolder?: string;
}

/** Applies defaults for missing keys; an unknown key, a missing required key or a bad value is a 400 naming the key. */
export function resolveConfig(
  type: HookType,
  config: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const given = config ?? {};
  for (const key of Object.keys(given)) {
    if (!(key in type.configuration)) {
      throw inputError(
        `config key "${key}" is not defined by hook type ${type.name} (defined: ${Object.keys(type.configuration).join(', ') || 'none'})`,
      );
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(type.configuration)) {
    if (key in given) resolved[key] = given[key];
    else if (spec.default !== undefined) resolved[key] = structuredClone(spec.default);
    else if (spec.required)
      throw inputError(`config key "${key}" is required by hook type ${type.name}: ${spec.description}`);
    if (key in resolved) checkValue(type, key, resolved[key]);
  }
  return resolved;
}

function checkValue(type: HookType, key: string, value: unknown): void {
  const schema = type.configuration[key]?.schema;
  if (!schema) return;
  const validate = compileTriggerSchema(schema);
  if (!validate(structuredClone(value))) {
    const detail = (validate.errors ?? [])
      .map((e) => `${e.instancePath || '(value)'} ${e.message}`)
      .join('; ');
    throw inputError(`config key "${key}" of hook type ${type.name} is invalid: ${detail}`);
  }
}

/** Why a change to a typed hook's config is refused, or undefined when it is allowed. */
export function configChangeProblem(
  type: HookType,
  update: Record<string, unknown> | undefined,
  remove: string[] | undefined,
): string | undefined {
  for (const key of [...Object.keys(update ?? {}), ...(remove ?? [])]) {
    if (!(key in type.configuration)) return `key "${key}" is not defined by hook type ${type.name}`;
  }
  for (const key of remove ?? []) {
    if (type.configuration[key]?.required)
      return `key "${key}" is required by hook type ${type.name} and cannot be removed`;
  }
  try {
    for (const [key, value] of Object.entries(update ?? {})) checkValue(type, key, value);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** The template a typed hook renders for a fire: the event's own template if the type has one, else `run`. */
export function templateForFire(
  type: HookType,
  eventName: string | undefined,
): Record<string, unknown> | undefined {
  if (eventName && type.events[eventName]) return type.events[eventName];
  return type.events.run;
}
