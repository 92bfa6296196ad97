import * as z from 'zod';
import {
  ARTIFACT_NAME_PATTERN,
  artifactDeclarationSchema,
  MAX_ARTIFACTS_PER_STEP,
} from '../core/artifacts.ts';
import { MAX_STEP_TIMEOUT_SECONDS, stepSchema } from '../core/job.ts';
import { actionStatusSchema, stepErrorSchema } from '../core/runModel.ts';
import type { ActionOutcome } from '../ports/stepActions.ts';

/**
 * What goes between the step function and the cloud's command-runner function
 * (`functions/handlers/commandRunner.ts`, invoked with InvokeWithResponseStream): the request is
 * one JSON document; the response is a stream of newline-delimited JSON lines, output chunks as
 * the command writes them (at most `outputLimitBytes` a stream; the result keeps head and tail)
 * and one final result line.
 */
export const commandRunnerRequestSchema = z
  .object({
    command: z.union([z.string().min(1).max(100_000), z.array(z.string().max(100_000)).min(1).max(1000)]),
    // The step's own fields, as the job schema bounds them.
    shell: stepSchema.shape.shell,
    cwd: stepSchema.shape.cwd,
    env: z.record(z.string(), z.string()),
    stdin: z.string(),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .max(MAX_STEP_TIMEOUT_SECONDS * 1000),
    outputLimitBytes: z
      .number()
      .int()
      .positive()
      .max(1024 * 1024),
    /** Uploads only to the presigned POST the step function signed: the runner holds no rights of its own. */
    artifacts: z
      .strictObject({
        declared: z.array(artifactDeclarationSchema).min(1).max(MAX_ARTIFACTS_PER_STEP),
        maxBytes: z.int().positive(),
        target: z.strictObject({
          kind: z.literal('presignedPost'),
          url: z.url({ protocol: /^https$/ }),
          fields: z.record(z.string(), z.string()),
          keyPrefix: z.string().min(1).max(512),
        }),
      })
      .optional(),
    artifactInputs: z
      .array(
        z.strictObject({
          name: z.string().regex(ARTIFACT_NAME_PATTERN),
          source: z.strictObject({ kind: z.literal('url'), url: z.url({ protocol: /^https$/ }) }),
        }),
      )
      .max(1000)
      .optional(),
  })
  .strict();

export type CommandRunnerLine =
  | { chunk: { stream: 'stdout' | 'stderr'; text: string } }
  | { result: ActionOutcome };

const outcomeSchema = z
  .object({
    status: actionStatusSchema,
    exitCode: z.number().int().nullable().optional(),
    signal: z.string().nullable().optional(),
    error: stepErrorSchema.optional(),
    output: z.record(z.string(), z.unknown()),
    interrupted: z.boolean().optional(),
    configChange: z
      .object({
        update: z.record(z.string(), z.unknown()).optional(),
        remove: z.array(z.string()).optional(),
      })
      .optional(),
    artifacts: z
      .array(
        z.strictObject({
          name: z.string(),
          path: z.string(),
          size: z.int(),
          sha256: z.string(),
          contentType: z.string(),
          expiresInDays: z.int().optional(),
        }),
      )
      .optional(),
  })
  .strict();

const lineSchema = z.union([
  z.object({ chunk: z.object({ stream: z.enum(['stdout', 'stderr']), text: z.string() }).strict() }).strict(),
  z.object({ result: outcomeSchema }).strict(),
]);

/** One line of the runner's response, checked; undefined when it is not one. */
export function parseCommandRunnerLine(text: string): CommandRunnerLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = lineSchema.safeParse(value);
  return parsed.success ? (parsed.data as CommandRunnerLine) : undefined;
}
