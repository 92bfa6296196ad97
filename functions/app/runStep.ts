import { randomUUID } from 'node:crypto';
import { stepActionKind } from '../core/job.ts';
import {
  criticalSkipReason,
  decideStep,
  isCriticalFailure,
  isTerminal,
  jobStatusSoFar,
  planSteps,
} from '../core/jobFlow.ts';
import { notificationSummary } from '../core/notificationSummary.ts';
import type { PlannedStep, RunRecord, StepRecord, StepStatus } from '../core/runModel.ts';
import { ConditionFailed, type HookRecord } from '../ports/store.ts';
import type { Action, ActionInput, ActionOutcome, StopReason } from '../runners/action.ts';
import { runCommand } from '../runners/command.ts';
import { eventAction } from '../runners/event.ts';
import { runHttp } from '../runners/http.ts';
import { lambdaAction } from '../runners/lambda.ts';
import { applyConfigChange, type ConfigChangeCheck } from './hookConfig.ts';
import { announce } from './lifecycleEvents.ts';
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
  if (current.status === 'running') return waitForOtherRunner(services, run, planned);

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
    if (error instanceof ConditionFailed) return waitForOtherRunner(services, run, planned);
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
  const { outcome, attempts } = await executeWithRetries(services, liveRun, hook, plan, planned, steps, live);
  await live.close();

  let finalOutcome = outcome;
  if (outcome.status === 'succeeded' && outcome.configChange) {
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
      throw new CriticalStepFailed(
        `critical ${planned.phase === 'pre' ? 'pre-hook' : 'task'} "${planned.name}" ${finalOutcome.status}`,
      );
    }
  }
  return { status: finalOutcome.status };
}

/** A step already settled: if it was the critical failure, the engine must still take the skip branch. */
function rethrowIfCritical(run: RunRecord, planned: PlannedStep, status: StepStatus): { status: StepStatus } {
  if (run.criticalFailure?.index === planned.index && !run.stopRequested) {
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
) {
  try {
    await services.store.updateRun(
      run.runId,
      { criticalFailure: { index: planned.index, name: planned.name, phase: planned.phase } },
      { criticalFailure: undefined },
    );
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
  const reason = criticalSkipReason(planned.phase);
  for (const later of plan) {
    if (later.index > planned.index && (later.phase === 'pre' || later.phase === 'task')) {
      await settle(services, run, later, 'skipped', reason);
    }
  }
}

/** Another invocation holds the step: wait for it to settle instead of running the command again. */
async function waitForOtherRunner(
  services: Services,
  run: RunRecord,
  planned: PlannedStep,
): Promise<{ status: StepStatus }> {
  const limit = Date.now() + (planned.timeoutSeconds + 30) * 1000 * ((planned.step.retry?.attempts ?? 0) + 1);
  while (Date.now() < limit) {
    const step = await services.store.getStep(run.runId, planned.index);
    if (step && isTerminal(step.status)) {
      const latest = (await services.store.getRun(run.runId)) ?? run;
      return rethrowIfCritical(latest, planned, step.status);
    }
    await new Promise((r) => setTimeout(r, Math.min(1000, services.settings.stopPollMs)));
  }
  return { status: 'running' };
}

function actionFor(services: Services, run: RunRecord, planned: PlannedStep): Action {
  switch (stepActionKind(planned.step)) {
    case 'command':
      return runCommand;
    case 'http':
      return runHttp;
    case 'lambda':
      return lambdaAction(services.invoker);
    case 'event':
      return eventAction(services.bus, run.depth);
  }
}

function stepEnvironment(
  run: RunRecord,
  planned: PlannedStep,
  jobStatus: string,
  extra: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
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
  live: LiveOutputWriter,
): Promise<{ outcome: ActionOutcome; attempts: number }> {
  const controller = new AbortController();
  const stopWatch = watchForStop(services, run, controller);
  try {
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
        onOutput: live.onOutput,
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
      const reason = controller.signal.reason as StopReason;
      outcome = {
        ...(outcome ?? { output: {} }),
        status: reason === 'timed_out' ? 'timed_out' : 'cancelled',
        error: { message: reason === 'timed_out' ? 'the run timed out' : 'the run was cancelled' },
      };
    }
    return { outcome, attempts: Math.max(attempt, 1) };
  } finally {
    stopWatch();
  }
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
    hook: { hookGroupId: run.hookGroupId, hookId: run.hookId, config: hook?.definition.config ?? {} },
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
    env: stepEnvironment(run, planned, jobStatus, extraEnv),
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
  const timers: NodeJS.Timeout[] = [];
  const poll = setInterval(async () => {
    try {
      const latest = await services.store.getRun(run.runId);
      if (latest?.stopRequested && !controller.signal.aborted) controller.abort(latest.stopRequested);
    } catch (error) {
      services.logger.warn('could not read the run while a step runs', {
        runId: run.runId,
        error: (error as Error).message,
      });
    }
  }, services.settings.stopPollMs);
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
  });
  if (isCriticalFailure(planned, 'failed') && !run.stopRequested)
    await recordCriticalFailure(services, run, plan, planned);
}
