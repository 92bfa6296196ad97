import { HooklineError, inputError } from '../core/errors.ts';
import type { HookDefinition } from '../core/hookDefinition.ts';
import { newSlugId } from '../core/ids.ts';
import type { Job } from '../core/job.ts';
import type { FiredBy } from '../core/runStates.ts';
import { buildRenderContext, renderJob } from '../core/render.ts';
import { sampleEventFor } from '../core/sampleEvent.ts';
import { validatePayload } from '../core/triggerSchema.ts';
import { templateFor } from './fireHook.ts';
import type { Services } from './services.ts';
import { checkStorable, MAX_RUN_INPUT_BYTES } from './storageLimits.ts';

/**
 * Checking a hook before it fires: render it as a fire would, running nothing (POST …/render), and at
 * create/update render every path that needs no caller's input, so a definition that cannot produce
 * a valid job is refused then — not at 2 AM when its schedule fires.
 */
export interface RenderRequest {
  firedBy: Exclude<FiredBy, 'rerun'>;
  payload?: unknown;
  event?: unknown;
  clientId?: string;
}

/** The job a fire would render (null: the template declines), or the 400 the fire would answer. */
export async function renderForCheck(
  services: Services,
  definition: HookDefinition,
  request: RenderRequest,
): Promise<Job | null> {
  const payload =
    request.firedBy === 'schedule'
      ? undefined
      : validatePayload(
          definition.triggerSchema,
          request.firedBy === 'event'
            ? (request.payload ?? (request.event as { detail?: unknown } | undefined)?.detail ?? {})
            : (request.payload ?? {}),
        );
  const context = buildRenderContext({
    firedBy: request.firedBy,
    runId: newSlugId(),
    now: services.clock.now(),
    hook: definition,
    payload,
    clientId: request.clientId,
    event: request.event,
    config: definition.config,
  });
  const outcome = renderJob(await templateFor(services, { definition }, request), context);
  if (outcome.kind === 'declined') return null;
  checkStorable('the rendered job', outcome.job, MAX_RUN_INPUT_BYTES);
  return outcome.job;
}

/** What a sample input shows of the definition: an invalid job, or a template error no input avoids. */
function holdsForAnyInput(error: HooklineError): boolean {
  return error.details?.invalidJob === true || error.details?.holdsForAnyInput === true;
}

/**
 * Renders the paths that need no caller's input: the schedule (when there is one), each binding with
 * an event made of its pattern's own values, and a trigger with the triggerSchema's defaults (when an
 * empty payload is valid). A schedule's render must succeed outright; for a binding or a trigger the
 * sample input stands for any, so an error about a value the sample lacks is not held against the
 * hook, while a template that cannot be parsed or a job that is invalid is. A 400 names the path.
 */
export async function checkFiringPaths(
  services: Services,
  definition: HookDefinition,
  clientId: string | undefined,
): Promise<void> {
  const refuse = (path: string, error: HooklineError): never => {
    throw inputError(`${path}: ${error.message}`, error.details);
  };
  if (definition.schedule.length > 0) {
    try {
      await renderForCheck(services, definition, { firedBy: 'schedule' });
    } catch (error) {
      if (error instanceof HooklineError) refuse('fired by its schedule', error);
      throw error;
    }
  }
  for (const [i, binding] of definition.bindings.entries()) {
    const event = sampleEventFor(binding, services.clock.now());
    try {
      await renderForCheck(services, definition, { firedBy: 'event', event, payload: event.detail });
    } catch (error) {
      if (!(error instanceof HooklineError)) throw error;
      if (holdsForAnyInput(error))
        refuse(`fired by bindings[${i}] (an event with the pattern's values)`, error);
    }
  }
  let defaults: unknown;
  try {
    defaults = validatePayload(definition.triggerSchema, {});
  } catch {
    return; // a trigger needs the caller's input: nothing to render without it
  }
  try {
    await renderForCheck(services, definition, { firedBy: 'triggerHook', payload: defaults, clientId });
  } catch (error) {
    if (!(error instanceof HooklineError)) throw error;
    if (holdsForAnyInput(error)) refuse("triggered with the triggerSchema's defaults", error);
  }
}
