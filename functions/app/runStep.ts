import { randomUUID } from 'node:crypto';
import type { ArtifactRecord } from '../core/artifacts.ts';
import { stepActionKind } from '../core/job.ts';
import {
  criticalSkipReason,
  decideStep,
  isCriticalFailure,
  isFailure,
  isTerminal,
  jobStatusSoFar,
  leavesPhaseOnCriticalFailure,
  planSteps,
} from '../core/jobFlow.ts';
import { STEP_RECORDING_MARGIN_SECONDS } from '../core/stepBudget.ts';
import { notificationSummary } from '../core/notificationSummary.ts';
import type { PlannedStep, RunRecord, StepProcess, StepRecord, StepStatus } from '../core/runModel.ts';
import { ConditionFailed, type HookRecord } from '../ports/store.ts';
import type { Action, ActionInput, ActionOutcome, StopReason } from '../ports/stepActions.ts';
import { applyConfigChange, type ConfigChangeCheck } from './hookConfig.ts';
import { type CaughtError, describeEngineError, reportEngineError } from './engineErrors.ts';
import { announce } from './lifecycleEvents.ts';
import { prepareStepArtifacts, recordStepArtifacts } from './stepArtifacts.ts';
import { type LiveOutputWriter, liveOutputWriter } from './liveOutput.ts';
import type { Services } from './services.ts';

/**
 * Runs one step of a run, as the state machine's RunPreHook/RunTask/RunPostHook/RunNotify states ask.
 * It reads the run's durable state first and is idempotent per (runId, step): a duplicate or
 * retried invocation never runs a command twice, and a step reached after a critical failure or a
 * stop is settled (skipped / cancelled), never run.
 */

/** Thrown to the engine when a critical step fails: the state machine's Catch takes the skip branch. */
export class CriticalStepFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Hookline.CriticalStepFailed';
  }
}

export interface RunStepRequest {
  runId: string;
  index: number;
}

export interface RunStepOptions {
  /** Checks a config change against the hook's type (hook types); none means free-form config. */
  checkConfigChange?: ConfigChangeCheck;
  /**
   * What is left of this invocation (ms): Lambda's `getRemainingTimeInMillis` in the cloud, the
   * configured budget locally. The step is stopped while there is still time to record it.
   */
  remainingTimeMs?: () => number;
}

export async function runStep(
  services: Services,
  request: RunStepRequest,
  options: RunStepOptions = {},
): Promise<{ status: StepStatus }> {
  const { runId, index } = request;
  // One round of reads, in parallel: the run, its steps (the durable state decides), and the hook.
  const [run, steps] = await Promise.all([services.store.getRun(runId), services.store.getSteps(runId)]);
  if (!run) throw new Error(`run ${runId} does not exist`);
  const plan = planSteps(run.job);
  const planned = plan[index];
  if (!planned) throw new Error(`run ${runId} has no step ${index}`);
  const current = steps[index];
  if (!current) throw new Error(`run ${runId} has no stored step ${index}`);
  if (isTerminal(current.status)) return rethrowIfCritical(run, planned, current.status);
  if (current.status === 'running') return waitForOtherRunner(services, run, planned, current);

  const liveRun = await stopIfPastDeadline(services, run);
  const decision = decideStep(liveRun, plan, steps, index);
  if (decision.action === 'settle') {
    await settle(services, liveRun, planned, decision.status, decision.reason);
    return { status: decision.status };
  }

  const hookRead = services.store.getHook(run.hookGroupId, run.hookId);
  hookRead.catch(() => undefined);
  const claim = randomUUID();
  const startedAt = services.clock.now();
  try {
    await services.store.updateStep(
      runId,
      index,
      { status: 'running', claim, startedAt: startedAt.toISOString() },
      { status: 'pending' },
    );
  } catch (error) {
    if (error instanceof ConditionFailed) {
      const holder = await services.store.getStep(runId, index);
      return waitForOtherRunner(services, run, planned, holder ?? current);
    }
    throw error;
  }
  const detail = {
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
    runId,
    index,
    name: planned.name,
    phase: planned.phase,
    chainDepth: run.depth,
  };
  await announce(services, 'Step Started', detail);

  const hook = await hookRead;
  const expiresAt = Math.floor(startedAt.getTime() / 1000) + services.settings.retentionSeconds;
  const live = liveOutputWriter(services, runId, index, expiresAt);
  const { outcome, attempts } = await executeWithRetries(
    services,
    liveRun,
    hook,
    plan,
    planned,
    steps,
    options,
    claim,
    live,
  );
  await live.close();

  let finalOutcome = outcome;
  let artifacts: ArtifactRecord[] | undefined;
  if (outcome.artifacts?.length) {
    const kept = await recordStepArtifacts(
      services,
      run,
      planned,
      steps,
      outcome.artifacts,
      Math.floor(services.clock.now().getTime() / 1000),
    );
    if (kept.ok) artifacts = kept.records;
    else if (outcome.status === 'succeeded')
      finalOutcome = { ...outcome, status: 'failed', error: { message: kept.message } };
  }
  if (finalOutcome.status === 'succeeded' && outcome.configChange) {
    const refused = await applyConfigChange(
      services,
      run.hookGroupId,
      run.hookId,
      outcome.configChange,
      { runId },
      options.checkConfigChange,
    );
    if (refused)
      finalOutcome = {
        ...outcome,
        status: 'failed',
        error: { message: `config change refused: ${refused}` },
      };
  }

  const finishedAt = services.clock.now();
  // The output first: a step read as finished has its whole output (`complete` of the output endpoint).
  await services.store.putStepOutput(
    runId,
    index,
    finalOutcome.output,
    Math.floor(finishedAt.getTime() / 1000) + services.settings.retentionSeconds,
  );
  await services.store.updateStep(
    runId,
    index,
    {
      status: finalOutcome.status,
      exitCode: finalOutcome.exitCode,
      signal: finalOutcome.signal ?? undefined,
      error: finalOutcome.error,
      reason:
        finalOutcome.status === 'timed_out' || finalOutcome.status === 'cancelled' || finalOutcome.interrupted
          ? finalOutcome.error?.message
          : undefined,
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      attempts,
      claim: undefined,
      process: undefined,
      ...(artifacts ? { artifacts } : {}),
    },
    { claim },
  );
  await announce(services, 'Step Finished', {
    ...detail,
    status: finalOutcome.status,
    exitCode: finalOutcome.exitCode,
  });
  services.logger.info('step finished', {
    runId,
    index,
    name: planned.name,
    status: finalOutcome.status,
    durationMs: finishedAt.getTime() - startedAt.getTime(),
  });

  if (isCriticalFailure(planned, finalOutcome.status)) {
    const latest = await services.store.getRun(runId);
    if (latest && !latest.stopRequested) {
      await recordCriticalFailure(services, latest, plan, planned);
      if (leavesPhaseOnCriticalFailure(planned))
        throw new CriticalStepFailed(
          `critical ${planned.phase === 'pre' ? 'pre-hook' : 'task'} "${planned.name}" ${finalOutcome.status}`,
        );
    }
  }
  return { status: finalOutcome.status };
}

/** A step already settled: if it was the critical failure, the engine must still take the skip branch. */
function rethrowIfCritical(run: RunRecord, planned: PlannedStep, status: StepStatus): { status: StepStatus } {
  if (
    run.criticalFailure?.index === planned.index &&
    !run.stopRequested &&
    leavesPhaseOnCriticalFailure(planned)
  ) {
    throw new CriticalStepFailed(`critical step "${planned.name}" ${status}`);
  }
  return { status };
}

async function stopIfPastDeadline(services: Services, run: RunRecord): Promise<RunRecord> {
  if (!run.deadline || run.stopRequested) return run;
  if (services.clock.now().getTime() < Date.parse(run.deadline)) return run;
  await requestStop(services, run.runId, 'timed_out');
  return (await services.store.getRun(run.runId)) ?? run;
}

/** Asks a run to stop (cancel or timeout); the first request wins. */
export async function requestStop(services: Services, runId: string, reason: StopReason): Promise<boolean> {
  try {
    await services.store.updateRun(runId, { stopRequested: reason }, { stopRequested: undefined });
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

async function settle(
  services: Services,
  run: RunRecord,
  planned: PlannedStep,
  status: 'skipped' | 'cancelled',
  reason: string,
) {
  try {
    await services.store.updateStep(run.runId, planned.index, { status, reason }, { status: 'pending' });
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
}

async function recordCriticalFailure(
  services: Services,
  run: RunRecord,
  plan: PlannedStep[],
  planned: PlannedStep,
  engineError?: string,
) {
  const failure = {
    index: planned.index,
    name: planned.name,
    phase: planned.phase,
    ...(engineError ? { engineError } : {}),
  };
  try {
    await services.store.updateRun(
      run.runId,
      { criticalFailure: failure, ...(engineError ? { error: { message: engineError } } : {}) },
      { criticalFailure: undefined },
    );
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
  const reason = criticalSkipReason(failure);
  for (const later of plan) {
    if (later.index > planned.index && (later.phase === 'pre' || later.phase === 'task')) {
      await settle(services, run, later, 'skipped', reason);
    }
  }
}

/**
 * Another invocation holds the step: wait for it to settle instead of running the command again.
 * No holder outlives one invocation of the step function (started at the step's `startedAt`); a
 * step still running after that lost its runner (the invocation died) and is failed as an engine error.
 *
 * Both limits are read on `services.clock`: the holder's end is an instant of the wall clock (its
 * `startedAt` was written by another invocation), and this invocation's own wait — at most one
 * invocation, even when that `startedAt` comes from a clock ahead of ours — is measured on the same
 * clock, so a test's clock drives both. In the cloud, Lambda's own timeout bounds the invocation
 * whatever the wall clock does.
 */
async function waitForOtherRunner(
  services: Services,
  run: RunRecord,
  planned: PlannedStep,
  held: StepRecord,
): Promise<{ status: StepStatus }> {
  const invocationMs = services.settings.stepFunctionTimeoutSeconds * 1000;
  const waitStart = services.clock.now().getTime();
  const holderStart = held.startedAt ? Date.parse(held.startedAt) : waitStart;
  const waitUntil = Math.min(holderStart, waitStart) + invocationMs;
  while (services.clock.now().getTime() < waitUntil) {
    const step = await services.store.getStep(run.runId, planned.index);
    if (step && isTerminal(step.status)) {
      const latest = (await services.store.getRun(run.runId)) ?? run;
      return rethrowIfCritical(latest, planned, step.status);
    }
    await new Promise((r) => setTimeout(r, Math.min(1000, services.settings.stopPollMs)));
  }
  return recordEngineError(services, {
    runId: run.runId,
    index: planned.index,
    error: {
      Error: 'Hookline.StepRunnerLost',
      Cause: 'the invocation running this step ended without recording its outcome',
    },
  });
}

/** What the state machine hands the RecordXEngineError states: the step and the error it caught. */
export interface EngineErrorRequest {
  runId: string;
  index: number;
  error?: CaughtError;
}

/**
 * An engine-level error in a step (Lambda timeout, out of memory, throttles past the retries, a
 * throwing runner): the step is recorded `failed` with the reason, and the run takes the critical
 * failure path (later pre-hooks and tasks skipped, only runOnFailure post-hooks and notifications
 * run, result `failed`). Idempotent; a step that already has its outcome keeps it. Throws
 * CriticalStepFailed for pre-hooks and tasks so the state machine leaves the phase.
 */
export async function recordEngineError(
  services: Services,
  request: EngineErrorRequest,
): Promise<{ status: StepStatus }> {
  const run = await services.store.getRun(request.runId);
  if (!run) throw new Error(`run ${request.runId} does not exist`);
  const plan = planSteps(run.job);
  const planned = plan[request.index];
  if (!planned) throw new Error(`run ${run.runId} has no step ${request.index}`);
  const reason = `the engine failed this step: ${describeEngineError(request.error)}`;
  const step = await services.store.getStep(run.runId, request.index);
  if (step && isTerminal(step.status) && !isFailure(step.status)) return { status: step.status };
  if (step && !isTerminal(step.status)) {
    try {
      await services.store.updateStep(
        run.runId,
        request.index,
        {
          status: 'failed',
          reason,
          error: { message: reason },
          finishedAt: services.clock.now().toISOString(),
          claim: undefined,
        },
        { status: step.status },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      return recordEngineError(services, request);
    }
    reportEngineError(services, { runId: run.runId, index: request.index, reason, source: 'step' });
  }
  const latest = (await services.store.getRun(run.runId)) ?? run;
  if (latest.stopRequested) return { status: 'failed' };
  const engineFailed = !step || !isTerminal(step.status);
  const status = step && !engineFailed ? step.status : 'failed';
  const critical = engineFailed || isCriticalFailure(planned, status);
  if (!critical) return { status };
  await recordCriticalFailure(services, latest, plan, planned, engineFailed ? reason : undefined);
  if (leavesPhaseOnCriticalFailure(planned))
    throw new CriticalStepFailed(
      `${planned.phase === 'pre' ? 'pre-hook' : 'task'} "${planned.name}": ${reason}`,
    );
  return { status };
}

function actionFor(services: Services, run: RunRecord, planned: PlannedStep): Action {
  const { commands, invoker, bus, stepActions } = services;
  return stepActions.actionFor(stepActionKind(planned.step), {
    commands,
    invoker,
    bus,
    chainDepth: run.depth,
  });
}

/** A command's whole environment, in the order of `functions/app/commandEnvironment.ts`. */
function stepEnvironment(
  services: Services,
  run: RunRecord,
  planned: PlannedStep,
  jobStatus: string,
  extra: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = { ...services.commandEnvironment };
  Object.assign(env, run.job.env ?? {}, planned.step.env ?? {}, extra, {
    HOOKLINE_HOOK_GROUP_ID: run.hookGroupId,
    HOOKLINE_HOOK_ID: run.hookId,
    HOOKLINE_RUN_ID: run.runId,
    HOOKLINE_STEP_INDEX: String(planned.index),
    HOOKLINE_STEP_NAME: planned.name,
    HOOKLINE_PHASE: planned.phase,
    HOOKLINE_FIRED_BY: run.firedBy,
    HOOKLINE_JOB_STATUS: jobStatus,
  });
  return env;
}

async function executeWithRetries(
  services: Services,
  run: RunRecord,
  hook: HookRecord | undefined,
  plan: PlannedStep[],
  planned: PlannedStep,
  stepsAtStart: StepRecord[],
  options: RunStepOptions,
  claim: string,
  live: LiveOutputWriter,
): Promise<{ outcome: ActionOutcome; attempts: number }> {
  const controller = new AbortController();
  const stopWatch = watchForStop(services, run, controller);
  const budget = stopBeforeInvocationEnds(controller, options.remainingTimeMs);
  try {
    const io = await prepareStepArtifacts(services, run, planned, stepsAtStart);
    if (!io.ok)
      return { outcome: { status: 'failed', error: { message: io.message }, output: {} }, attempts: 1 };
    const retries = planned.step.retry?.attempts ?? 0;
    const backoff = planned.step.retry?.backoffSeconds ?? 1;
    let outcome: ActionOutcome | undefined;
    let attempt = 0;
    for (; attempt <= retries; attempt++) {
      if (attempt > 0) await abortableSleep(backoff * 1000 * 2 ** (attempt - 1), controller.signal);
      if (controller.signal.aborted) break;
      const steps = attempt === 0 ? stepsAtStart : await services.store.getSteps(run.runId);
      const latestRun = attempt === 0 ? run : ((await services.store.getRun(run.runId)) ?? run);
      const input = {
        ...actionInput(services, latestRun, hook, plan, planned, steps, controller.signal),
        artifacts: io.artifacts,
        artifactInputs: io.artifactInputs,
        onOutput: live.onOutput,
        onProcessStarted: (process: StepProcess) =>
          recordProcess(services, run.runId, planned.index, claim, process),
      };
      outcome = await actionFor(services, run, planned)(input);
      if (outcome.status === 'succeeded' || outcome.status === 'cancelled' || controller.signal.aborted) {
        attempt++;
        break;
      }
      services.logger.warn('step attempt failed', {
        runId: run.runId,
        index: planned.index,
        attempt: attempt + 1,
        status: outcome.status,
      });
    }
    if (!outcome || (controller.signal.aborted && outcome.status !== 'succeeded')) {
      const reason = controller.signal.reason as StopReason | typeof INVOCATION_ENDING;
      outcome = {
        ...(outcome ?? { output: {} }),
        status: reason === 'cancelled' ? 'cancelled' : 'timed_out',
        error: {
          message:
            reason === INVOCATION_ENDING
              ? `stopped: the step function's invocation was about to time out (a step must leave ${STEP_RECORDING_MARGIN_SECONDS} s to record its outcome)`
              : reason === 'timed_out'
                ? 'the run timed out'
                : 'the run was cancelled',
        },
      };
    }
    return { outcome, attempts: Math.max(attempt, 1) };
  } finally {
    stopWatch();
    budget.stop();
  }
}

/** The abort reason when the invocation running the step is about to end. */
const INVOCATION_ENDING = 'invocation_ending';

/**
 * Aborts the step while the invocation still has STEP_RECORDING_MARGIN_SECONDS left, so its outcome
 * is recorded (`timed_out`, with the reason) instead of dying with the invocation.
 */
function stopBeforeInvocationEnds(
  controller: AbortController,
  remainingTimeMs: (() => number) | undefined,
): { stop: () => void } {
  if (!remainingTimeMs) return { stop: () => undefined };
  const usable = remainingTimeMs() - STEP_RECORDING_MARGIN_SECONDS * 1000;
  if (usable <= 0) {
    controller.abort(INVOCATION_ENDING);
    return { stop: () => undefined };
  }
  const timer = setTimeout(() => {
    if (!controller.signal.aborted) controller.abort(INVOCATION_ENDING);
  }, usable);
  return { stop: () => clearTimeout(timer) };
}

/** The command's process group goes on the step, so a recovery after a crash can kill it (recoverRuns.ts). */
function recordProcess(
  services: Services,
  runId: string,
  index: number,
  claim: string,
  process: StepProcess,
) {
  services.store.updateStep(runId, index, { process }, { claim }).catch((error: Error) => {
    if (!(error instanceof ConditionFailed))
      services.logger.warn('could not record a command process group', {
        runId,
        index,
        error: error.message,
      });
  });
}

function actionInput(
  services: Services,
  run: RunRecord,
  hook: HookRecord | undefined,
  plan: PlannedStep[],
  planned: PlannedStep,
  steps: StepRecord[],
  signal: AbortSignal,
): ActionInput {
  const latestRun = run;
  const jobStatus = jobStatusSoFar(latestRun, steps);
  const summary = planned.phase === 'notify' ? notificationSummary(latestRun, plan, steps) : undefined;
  const document: Record<string, unknown> = {
    hook: {
      // `name` as Razor gives it to a hook type's scripts (README "Hook types").
      name: `${run.hookGroupId}/${run.hookId}`,
      hookGroupId: run.hookGroupId,
      hookId: run.hookId,
      config: hook?.definition.config ?? {},
    },
    run: { runId: run.runId, firedBy: run.firedBy, createdAt: run.createdAt, jobStatus },
    payload: run.payload ?? {},
    step: { index: planned.index, name: planned.name, phase: planned.phase },
    steps: steps.map((s) => ({
      index: s.index,
      name: s.name,
      phase: s.phase,
      status: s.status,
      reason: s.reason,
    })),
    ...(summary ? { summary } : {}),
  };
  const extraEnv: Record<string, string> = summary
    ? { HOOKLINE_SUMMARY_TITLE: summary.title, HOOKLINE_SUMMARY: JSON.stringify(summary) }
    : {};
  const deadlineMs = run.deadline
    ? Date.parse(run.deadline) - services.clock.now().getTime()
    : Number.POSITIVE_INFINITY;
  const stepTimeoutMs = planned.timeoutSeconds * 1000;
  const effective = planned.step.http && summary ? withSummaryBody(planned, summary) : planned;
  return {
    planned: effective,
    env: stepEnvironment(services, run, planned, jobStatus, extraEnv),
    document,
    signal,
    timeoutMs: Math.max(1, Math.min(stepTimeoutMs, deadlineMs + 1000)),
    outputLimitBytes: services.settings.outputLimitBytes,
    signingSecret: hook?.signingSecret,
  };
}

/** A notify http step sends the summary: as the body, or merged into an object body. */
function withSummaryBody(planned: PlannedStep, summary: unknown): PlannedStep {
  const http = planned.step.http!;
  const body =
    http.body === undefined
      ? summary
      : http.body && typeof http.body === 'object' && !Array.isArray(http.body)
        ? { ...(http.body as object), summary }
        : http.body;
  return { ...planned, step: { ...planned.step, http: { ...http, body } } };
}

/** Aborts the controller when the run is asked to stop or its deadline passes; returns the stopper. */
function watchForStop(services: Services, run: RunRecord, controller: AbortController): () => void {
  // A step that starts after the run was stopped runs anyway (runOnFailure post-hooks): that stop is not
  // for it, and no later one can come (the first stop wins). Without this, a store fast enough to answer
  // before the step's command exits would kill it at once.
  if (run.stopRequested) return () => undefined;
  const timers: NodeJS.Timeout[] = [];
  let checking = false;
  let changedMeanwhile = false;
  const check = async (): Promise<void> => {
    if (controller.signal.aborted) return;
    if (checking) {
      changedMeanwhile = true; // read again once this read is done: it may predate the change
      return;
    }
    checking = true;
    changedMeanwhile = false;
    try {
      const latest = await services.store.getRun(run.runId);
      if (latest?.stopRequested && !controller.signal.aborted) controller.abort(latest.stopRequested);
    } catch (error) {
      services.logger.warn('could not read the run while a step runs', {
        runId: run.runId,
        error: (error as Error).message,
      });
    } finally {
      checking = false;
    }
    if (changedMeanwhile) await check();
  };
  // Locally a cancel reaches the running step at once (the run's change is pushed, ports/runChanges.ts);
  // the poll stays as the backstop, and is all the cloud has.
  const unwatch = services.runChanges?.watch(run.runId, () => void check());
  const poll = setInterval(
    () => void check(),
    services.runChanges ? services.settings.stopPollMs * 5 : services.settings.stopPollMs,
  );
  timers.push(poll);
  if (run.deadline) {
    const ms = Date.parse(run.deadline) - services.clock.now().getTime();
    const deadlineTimer = setTimeout(
      async () => {
        await requestStop(services, run.runId, 'timed_out').catch(() => false);
        const latest = await services.store.getRun(run.runId).catch(() => undefined);
        if (!controller.signal.aborted) controller.abort(latest?.stopRequested ?? 'timed_out');
      },
      Math.max(0, ms),
    );
    timers.push(deadlineTimer);
  }
  return () => {
    unwatch?.();
    for (const t of timers) {
      clearInterval(t);
      clearTimeout(t);
    }
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A step that was running when its runner died (the local stack stopped): recorded as failed, and
 * if it was critical the run takes the skip branch, exactly as if the command had failed.
 */
export async function failInterruptedStep(
  services: Services,
  run: RunRecord,
  index: number,
  reason: string,
): Promise<void> {
  const plan = planSteps(run.job);
  const planned = plan[index];
  if (!planned) return;
  await services.store.updateStep(run.runId, index, {
    status: 'failed',
    reason,
    error: { message: reason },
    finishedAt: services.clock.now().toISOString(),
    claim: undefined,
    process: undefined,
  });
  if (isCriticalFailure(planned, 'failed') && !run.stopRequested)
    await recordCriticalFailure(services, run, plan, planned);
}
