import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { inputError } from './errors.ts';
import { compileLinearRegExp } from './linearRegExp.ts';

/**
 * User JSON Schemas (a hook's `triggerSchema`): compiled with ajv, draft 2020-12 by default and
 * draft-07 when the schema says so, formats on, and defaults applied to the payload
 * (Taskcluster documents defaults but never applies them). `pattern` and `patternProperties` run on
 * RE2 (./linearRegExp.ts), so matching is linear in the payload; a pattern RE2 cannot run
 * (backreferences, lookarounds) makes the schema invalid, naming the pattern.
 */
export const DEFAULT_TRIGGER_SCHEMA = { type: 'object', additionalProperties: false } as const;

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

const linearRegExp: RegExpEngine = Object.assign((pattern: string) => compileLinearRegExp(pattern), {
  code: 'compileLinearRegExp',
});
const options = {
  allErrors: true,
  useDefaults: true,
  strict: false,
  validateSchema: true,
  code: { regExp: linearRegExp },
} as const;
const draft2020 = new Ajv2020(options);
const draft07 = new Ajv(options);
addFormats(draft2020 as unknown as Ajv);
addFormats(draft07);

const MAX_CACHED = 500;
const cache = new Map<string, ValidateFunction>();

function engineFor(schema: Record<string, unknown>): Ajv {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  return /draft-0[4-7]/.test(declared) ? draft07 : (draft2020 as unknown as Ajv);
}

function describeErrors(errors: ErrorObject[] | null | undefined, root: string): string {
  if (!errors || errors.length === 0) return 'is invalid';
  return errors
    .slice(0, 5)
    .map((e) => {
      const where = `${root}${e.instancePath.replaceAll('/', '.')}`;
      const extra =
        e.keyword === 'additionalProperties'
          ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
          : '';
      return `${where} ${e.message ?? 'is invalid'}${extra}`;
    })
    .join('; ');
}

/** Compiles a user schema; throws InputError naming the problem when it is not a valid JSON Schema. */
export function compileTriggerSchema(schema: unknown): ValidateFunction {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw inputError('triggerSchema must be a JSON Schema object');
  }
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) return cached;
  const ajv = engineFor(schema as Record<string, unknown>);
  let validate: ValidateFunction;
  try {
    const copy = structuredClone(schema) as Record<string, unknown>;
    delete copy.$id;
    validate = ajv.compile(copy);
  } catch (error) {
    throw inputError(`triggerSchema is not a valid JSON Schema: ${(error as Error).message}`);
  }
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next().value as string;
    const evicted = cache.get(oldest)!;
    cache.delete(oldest);
    // ajv keeps every schema it compiled: the evicted one goes from it too, so both stay bounded.
    engineFor(evicted.schema as Record<string, unknown>).removeSchema(evicted.schema as object);
  }
  cache.set(key, validate);
  return validate;
}

/**
 * Validates a payload against the hook's trigger schema and returns a copy with the
 * schema's defaults applied. Throws InputError saying what is wrong and where.
 */
export function validatePayload(schema: unknown, payload: unknown): unknown {
  const validate = compileTriggerSchema(schema);
  const copy = payload === undefined ? {} : structuredClone(payload);
  if (!validate(copy)) {
    throw inputError(`payload does not match triggerSchema: ${describeErrors(validate.errors, 'payload')}`);
  }
  return copy;
}
