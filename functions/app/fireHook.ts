import { conflict, HooklineError, inputError } from '../core/errors.ts';
import { payloadFingerprint } from '../core/payloadFingerprint.ts';
import { derivedRunId, newSlugId } from '../core/ids.ts';
import { planSteps } from '../core/jobFlow.ts';
import { buildRenderContext, type FiredBy, renderJob } from '../core/render.ts';
import type { RunRecord, StepRecord } from '../core/runModel.ts';
import { templateForFire } from '../core/hookType.ts';
import { validatePayload } from '../core/triggerSchema.ts';
import { ConditionFailed, type FireRecord, type HookRecord } from '../ports/store.ts';
import { acquireSlot, admitRun } from './concurrency.ts';
import { announce } from './lifecycleEvents.ts';
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

  if (request.idempotencyKey) {
    const fingerprint = payloadFingerprint(request.payload ?? {});
    const existing = await services.store.claimIdempotencyKey(
      hookGroupId,
      hookId,
      request.idempotencyKey,
      runId,
      Math.floor(now.getTime() / 1000) + services.settings.idempotencyWindowSeconds,
      fingerprint,
    );
    if (existing && existing.fingerprint !== undefined && existing.fingerprint !== fingerprint)
      throw conflict(
        `Idempotency-Key "${request.idempotencyKey}" was used for run ${existing.runId} with a different payload; use a new key for a new payload`,
      );
    if (existing) return { kind: 'duplicate', runId: existing.runId };
  }
  // A fire that starts nothing (declined or refused) does not hold on to the key: a retry is judged afresh.
  const releaseKey = async () => {
    if (request.idempotencyKey)
      await services.store.releaseIdempotencyKey(hookGroupId, hookId, request.idempotencyKey, runId);
  };

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
        await releaseKey();
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
  } catch (error) {
    if (error instanceof HooklineError) await recordFire('error', error.message);
    await releaseKey();
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
    await releaseKey();
    return { kind: 'skipped', runId };
  }
  try {
    await services.store.createRun(run, steps, expiry(services));
  } catch (error) {
    if (error instanceof ConditionFailed) return { kind: 'duplicate', runId };
    throw error;
  }
  await recordFire('success');
  await announce(services, 'Hook Fired', { hookGroupId, hookId, runId, firedBy, chainDepth: depth });
  if (policy?.onLimit === 'skip') await services.executions.start(runId);
  else await admitRun(services, hook, run);
  services.logger.info('run created', { hookGroupId, hookId, runId, firedBy, steps: steps.length });
  return { kind: 'started', runId };
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
