import jsone from 'json-e';
import { inputError } from './errors.ts';
import type { HookDefinition } from './hookDefinition.ts';
import { type Job, jobSchema } from './job.ts';
import { describeIssues } from './validation.ts';

/** Who fired a hook (DESIGN.md §3.2). */
export type FiredBy = 'schedule' | 'triggerHook' | 'triggerHookWithToken' | 'event' | 'rerun';

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

/** The JSON-e context of each firing path, exactly as DESIGN.md §3.2 lists it. */
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
    const e = error as Error & { location?: string };
    throw inputError(
      `task template failed to render: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`,
    );
  }
  if (rendered === null || rendered === undefined) return { kind: 'declined' };
  const parsed = jobSchema.safeParse(rendered);
  if (!parsed.success) {
    throw inputError(`task template rendered an invalid job: ${describeIssues(parsed.error.issues, 'task')}`);
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
