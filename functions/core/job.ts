import * as z from 'zod';
import { artifactDeclarationsSchema } from './artifacts.ts';

/**
 * The Job a hook's template renders into (README.md, "Jobs and steps"), and its steps.
 * Validated with zod: unknown fields are refused so a typo never silently does nothing.
 */
export const MAX_STEP_TIMEOUT_SECONDS = 900; // a step runs inside one Lambda invocation in the cloud
export const DEFAULT_STEP_TIMEOUT_SECONDS = 300;
export const MAX_STEPS_PER_JOB = 100;

const envSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _'),
    z.string().max(32_768),
  )
  .refine((env) => Object.keys(env).length <= 200, 'at most 200 environment variables');

export const httpActionSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('POST'),
  headers: z.record(z.string().min(1).max(256), z.string().max(8192)).default({}),
  body: z.unknown().optional(),
  expectStatus: z.array(z.int().min(100).max(599)).min(1).optional(),
  sign: z.boolean().default(false),
});

export const lambdaActionSchema = z.strictObject({
  functionName: z.string().min(1).max(170),
  payload: z.unknown().optional(),
});

export const eventActionSchema = z.strictObject({
  source: z.string().min(1).max(256),
  detailType: z.string().min(1).max(128),
  detail: z.record(z.string(), z.unknown()).default({}),
});

export const retrySchema = z.strictObject({
  attempts: z.int().min(1).max(10),
  backoffSeconds: z.number().min(0).max(300).default(1),
});

export const stepSchema = z
  .strictObject({
    name: z.string().min(1).max(255),
    command: z
      .union([z.string().min(1).max(65_536), z.array(z.string().max(65_536)).min(1).max(1000)])
      .optional(),
    http: httpActionSchema.optional(),
    lambda: lambdaActionSchema.optional(),
    event: eventActionSchema.optional(),
    critical: z.boolean().optional(),
    continueOnFailure: z.boolean().optional(),
    runOnFailure: z.boolean().optional(),
    timeoutSeconds: z.number().positive().max(MAX_STEP_TIMEOUT_SECONDS).optional(),
    retry: retrySchema.optional(),
    env: envSchema.optional(),
    cwd: z.string().min(1).max(4096).optional(),
    shell: z.string().min(1).max(4096).optional(),
    /** Files of a command step kept with the run after it (functions/core/artifacts.ts). */
    artifacts: artifactDeclarationsSchema.optional(),
  })
  .superRefine((step, ctx) => {
    const actions = (['command', 'http', 'lambda', 'event'] as const).filter((a) => step[a] !== undefined);
    if (actions.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          actions.length === 0
            ? 'a step needs exactly one of command, http, lambda, event'
            : `a step has exactly one of command, http, lambda, event (found ${actions.join(', ')})`,
      });
    }
    if (step.artifacts && step.command === undefined)
      ctx.addIssue({ code: 'custom', path: ['artifacts'], message: 'only a command step has artifacts' });
  });

export const jobSchema = z
  .strictObject({
    name: z.string().min(1).max(255).optional(),
    preHooks: z.array(stepSchema).optional(),
    task: stepSchema.optional(),
    tasks: z.array(stepSchema).optional(),
    postHooks: z.array(stepSchema).optional(),
    notify: z.array(stepSchema).optional(),
    env: envSchema.optional(),
    timeoutSeconds: z
      .number()
      .positive()
      .max(7 * 24 * 3600)
      .optional(),
  })
  .superRefine((job, ctx) => {
    if (job.task && job.tasks) {
      ctx.addIssue({ code: 'custom', message: 'a job has task or tasks, not both', path: ['tasks'] });
    }
    const total =
      (job.preHooks?.length ?? 0) +
      (job.task ? 1 : (job.tasks?.length ?? 0)) +
      (job.postHooks?.length ?? 0) +
      (job.notify?.length ?? 0);
    if (total === 0) ctx.addIssue({ code: 'custom', message: 'a job needs at least one step' });
    if (total > MAX_STEPS_PER_JOB) {
      ctx.addIssue({
        code: 'custom',
        message: `a job has at most ${MAX_STEPS_PER_JOB} steps (has ${total})`,
      });
    }
  });

export type Step = z.infer<typeof stepSchema>;
export type Job = z.infer<typeof jobSchema>;
export type HttpAction = z.infer<typeof httpActionSchema>;
export type LambdaAction = z.infer<typeof lambdaActionSchema>;
export type EventAction = z.infer<typeof eventActionSchema>;
export type StepActionKind = 'command' | 'http' | 'lambda' | 'event';

export function stepActionKind(step: Step): StepActionKind {
  if (step.command !== undefined) return 'command';
  if (step.http !== undefined) return 'http';
  if (step.lambda !== undefined) return 'lambda';
  return 'event';
}
