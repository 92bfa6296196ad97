import { conflict, HooklineError, inputError } from '../core/errors.ts';
import { payloadFingerprint } from '../core/payloadFingerprint.ts';
import { derivedRunId, newSlugId } from '../core/ids.ts';
import { planSteps } from '../core/jobFlow.ts';
import { checkStepsFit } from '../core/stepBudget.ts';
import type { FiredBy } from '../core/runStates.ts';
import { buildRenderContext, renderJob } from '../core/render.ts';
import type { RunRecord, StepRecord } from '../core/runModel.ts';
import { templateForFire } from '../core/hookType.ts';
import { validatePayload } from '../core/triggerSchema.ts';
import type { FireRecord, HookRecord, IdempotencyClaim } from '../ports/store.ts';
import { acquireSlot, admitRun, newQueuePosition, releaseSlot } from './concurrency.ts';
import { announce } from './lifecycleEvents.ts';
import { checkJobMayRunCommands } from './runCommandsRight.ts';
import type { Services } from './services.ts';
import { checkStorable, cutMessage, jsonBytes, MAX_RUN_INPUT_BYTES } from './storageLimits.ts';

/**
 * Firing, shared by every path (API trigger, trigger token, schedule, event binding, rerun):
 * validate the payload, render the template, record the fire, create the run, start it.
 */
export interface FireRequest {
  hook: HookRecord;
  firedBy: FiredBy;
  payload?: unknown;
  clientId?: string;
  /** The whole event, for event-fired hooks. */
  event?: unknown;
  /** A stable id for this occurrence (scheduled time, event id): the run id is derived from it. */
  occurrenceKey?: string;
  /** The caller's Idempotency-Key header. */
  idempotencyKey?: string;
  /** The time the fire is for (the scheduled time for schedules). */
  now?: Date;
  /** Depth of the chain of hooks firing each other through lifecycle events. */
  depth?: number;
  /** For reruns: the run whose rendered job is fired again. */
  rerunOf?: RunRecord;
}

export type FireOutcome =
  | { kind: 'started'; runId: string }
  | { kind: 'skipped'; runId: string }
  | { kind: 'duplicate'; runId: string }
  | { kind: 'declined'; runId: string };

export async function fireHook(services: Services, request: FireRequest): Promise<FireOutcome> {
  const { hook, firedBy } = request;
  const { hookGroupId, hookId } = hook.definition;
  const now = request.now ?? services.clock.now();
  const runId = request.occurrenceKey
    ? derivedRunId(hookGroupId, hookId, firedBy, request.occurrenceKey)
    : newSlugId();
  const depth = request.depth ?? 0;
  const recordFire = (result: FireRecord['result'], error?: string) =>
    services.store.putFire({
      hookGroupId,
      hookId,
      firedBy,
      time: services.clock.now().toISOString(),
      runId,
      result,
      error: error === undefined ? undefined : cutMessage(error),
      clientId: request.clientId,
      expiresAt: expiry(services),
    });

  // A key that already answers with a run: the same answer, without rendering again.
  const fingerprint = request.idempotencyKey ? payloadFingerprint(request.payload ?? {}) : undefined;
  if (request.idempotencyKey) {
    const existing = await services.store.findIdempotentRun(hookGroupId, hookId, request.idempotencyKey);
    if (existing) return idempotentAnswer(request.idempotencyKey, existing, fingerprint!);
  }

  let job: RunRecord['job'];
  let payload: unknown;
  try {
    if (depth > services.settings.maxEventChainDepth) {
      throw inputError(
        `refused: this fire is ${depth} hooks deep in a chain of lifecycle events (limit ${services.settings.maxEventChainDepth})`,
      );
    }
    if (request.rerunOf) {
      job = request.rerunOf.job;
      payload = request.rerunOf.payload;
    } else {
      payload =
        firedBy === 'schedule' ? undefined : validatePayload(hook.definition.triggerSchema, request.payload);
      const context = buildRenderContext({
        firedBy,
        runId,
        now,
        hook: hook.definition,
        payload,
        clientId: request.clientId,
        event: request.event,
        config: hook.definition.config,
      });
      const outcome = renderJob(await templateFor(services, hook, request), context);
      if (outcome.kind === 'declined') {
        await recordFire('declined');
        return { kind: 'declined', runId };
      }
      job = outcome.job;
      checkStorable('the rendered job', job, MAX_RUN_INPUT_BYTES);
      checkStorable('the payload', payload, MAX_RUN_INPUT_BYTES);
      const bytes = jsonBytes(job) + jsonBytes(payload);
      if (bytes > MAX_RUN_INPUT_BYTES)
        throw inputError(
          `the payload and the rendered job are ${bytes} bytes as JSON together; a run stores at most ${MAX_RUN_INPUT_BYTES}`,
        );
    }
    checkStepsFit(job, services.settings.stepFunctionTimeoutSeconds);
    await checkJobMayRunCommands(services, hook, job);
  } catch (error) {
    if (error instanceof HooklineError) await recordFire('error', error.message);
    throw error;
  }

  const plan = planSteps(job);
  const createdAt = services.clock.now().toISOString();
  const run: RunRecord = {
    runId,
    hookGroupId,
    hookId,
    firedBy,
    status: 'pending',
    result: null,
    createdAt,
    job,
    payload,
    clientId: request.clientId,
    depth,
    ...(job.timeoutSeconds
      ? { deadline: new Date(Date.parse(createdAt) + job.timeoutSeconds * 1000).toISOString() }
      : {}),
    ...(request.rerunOf ? { rerunOf: request.rerunOf.runId } : {}),
    ...(hook.definition.concurrency ? { queuePosition: newQueuePosition(createdAt, runId) } : {}),
  };
  const steps: StepRecord[] = plan.map((p) => ({
    runId,
    index: p.index,
    phase: p.phase,
    name: p.name,
    status: 'pending',
  }));
  const policy = hook.definition.concurrency;
  if (policy?.onLimit === 'skip' && !(await acquireSlot(services, hook, run))) {
    await recordFire(
      'skipped-concurrency',
      `skipped: ${policy.limit} run(s) of this hook already running (concurrency limit)`,
    );
    return { kind: 'skipped', runId };
  }
  // One unit (functions/ports/runCreation.ts): once it returns, the run can be finished whatever happens.
  const created = await services.store.createRun({
    run,
    steps,
    fire: {
      hookGroupId,
      hookId,
      firedBy,
      time: createdAt,
      runId,
      result: 'success',
      clientId: request.clientId,
      expiresAt: expiry(services),
    },
    idempotency: request.idempotencyKey
      ? {
          key: request.idempotencyKey,
          expiresAt: Math.floor(now.getTime() / 1000) + services.settings.idempotencyWindowSeconds,
          fingerprint: fingerprint!,
        }
      : undefined,
    expiresAt: expiry(services),
  });
  if (created.kind !== 'created') {
    if (policy?.onLimit === 'skip') await releaseSlot(services, hookGroupId, hookId, runId);
    if (created.kind === 'run-exists') return { kind: 'duplicate', runId };
    if (created.kind === 'key-taken') return idempotentAnswer(request.idempotencyKey!, created, fingerprint!);
    throw conflict(
      'a trigger with this Idempotency-Key is being processed right now; retry in a few seconds',
    );
  }
  await announce(services, 'Hook Fired', { hookGroupId, hookId, runId, firedBy, chainDepth: depth });
  if (policy?.onLimit === 'skip') await services.executions.start(runId);
  else await admitRun(services, hook, run);
  services.logger.info('run created', { hookGroupId, hookId, runId, firedBy, steps: steps.length });
  return { kind: 'started', runId };
}

/** The first run of an Idempotency-Key; the same key with another payload is a 409 naming that run. */
function idempotentAnswer(key: string, claim: IdempotencyClaim, fingerprint: string): FireOutcome {
  if (claim.fingerprint !== undefined && claim.fingerprint !== fingerprint)
    throw conflict(
      `Idempotency-Key "${key}" was used for run ${claim.runId} with a different payload; use a new key for a new payload`,
    );
  return { kind: 'duplicate', runId: claim.runId };
}

function expiry(services: Services): number {
  return Math.floor(services.clock.now().getTime() / 1000) + services.settings.retentionSeconds;
}

/** The hook's own template, or for a typed hook without one, its type's template for this event (else `run`). */
export async function templateFor(
  services: Services,
  hook: Pick<HookRecord, 'definition'>,
  request: Pick<FireRequest, 'firedBy' | 'event'>,
): Promise<Record<string, unknown>> {
  if (hook.definition.task) return hook.definition.task;
  const typeName = hook.definition.hookType ?? '';
  const type = await services.hookTypes.getHookType(typeName);
  if (!type) throw inputError(`hook type "${typeName}" no longer exists`);
  const eventName =
    request.firedBy === 'event'
      ? (request.event as { 'detail-type'?: string } | undefined)?.['detail-type']
      : undefined;
  const template = templateForFire(type, eventName);
  if (!template)
    throw inputError(
      `hook type "${typeName}" has no template for ${eventName ? `"${eventName}" or ` : ''}"run"`,
    );
  return template;
}
