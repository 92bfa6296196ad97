import jsone from 'json-e';
import { inputError } from './errors.ts';
import type { FiredBy } from './runStates.ts';
import type { HookDefinition } from './hookDefinition.ts';
import { type Job, jobSchema } from './job.ts';
import { describeTemplateError } from './templateErrors.ts';
import { describeIssues } from './validation.ts';

/** A place in the rendered job, as `tasks[0].timeoutSeconds` (the job itself: `job`). */
function jobPath(path: readonly PropertyKey[], unknownKeys: readonly string[]): string {
  const parts = [...path, ...(unknownKeys.length === 1 ? unknownKeys : [])];
  const text = parts
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return text || 'job';
}

/** Who fired a hook. */
export interface RenderContextInput {
  firedBy: FiredBy;
  runId: string;
  now: Date;
  hook: HookDefinition;
  payload?: unknown;
  clientId?: string;
  event?: unknown;
  config?: Record<string, unknown>;
}

/** The JSON-e context of each firing path, as README.md ("Hooks") lists it. */
export function buildRenderContext(input: RenderContextInput): Record<string, unknown> {
  const context: Record<string, unknown> = {
    firedBy: input.firedBy,
    runId: input.runId,
    taskId: input.runId,
    now: input.now.toISOString(),
    hook: { hookGroupId: input.hook.hookGroupId, hookId: input.hook.hookId, metadata: input.hook.metadata },
    config: input.config ?? input.hook.config ?? {},
  };
  if (input.firedBy !== 'schedule') context.payload = input.payload ?? {};
  if (input.firedBy === 'triggerHook' || input.firedBy === 'rerun') context.clientId = input.clientId;
  if (input.firedBy === 'event') context.event = input.event;
  return context;
}

export type RenderOutcome = { kind: 'declined' } | { kind: 'job'; job: Job };

/**
 * Renders the hook's template. `null` means the hook declined to fire; anything else must be a
 * valid Job. Errors are InputError with a message saying what and where.
 */
export function renderJob(template: unknown, context: Record<string, unknown>): RenderOutcome {
  let rendered: unknown;
  try {
    rendered = jsone(template as Record<string, unknown>, context);
  } catch (error) {
    const problem = describeTemplateError(template, error);
    throw inputError(`task template failed to render at ${problem.path}: ${problem.message}`, {
      path: problem.path,
      holdsForAnyInput: problem.holdsForAnyInput,
    });
  }
  if (rendered === null || rendered === undefined) return { kind: 'declined' };
  const parsed = jobSchema.safeParse(rendered);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw inputError(
      `task template rendered an invalid job: ${describeIssues(parsed.error.issues, 'task')}`,
      {
        path: jobPath(issue.path, issue.code === 'unrecognized_keys' ? issue.keys : []),
        invalidJob: true,
      },
    );
  }
  return { kind: 'job', job: parsed.data };
}

/**
 * The job a template stands for when it uses no JSON-e at all (no `$` operator key, no `${…}`
 * interpolation), so it renders the same whatever fires it; undefined otherwise, or when it is not
 * a valid job (the fire reports that). Lets create/update check what a fire would refuse.
 */
export function staticJob(template: unknown): Job | undefined {
  if (usesJsonE(template)) return undefined;
  const parsed = jobSchema.safeParse(template);
  return parsed.success ? parsed.data : undefined;
}

function usesJsonE(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (Array.isArray(value)) return value.some(usesJsonE);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([key, inner]) => key.startsWith('$') || usesJsonE(inner));
  return false;
}
