import { notFound } from '../core/errors.ts';
import { countSteps, isTerminal } from '../core/jobFlow.ts';
import { textSince } from '../core/outputWindow.ts';
import type { RunRecord, StepOutput, StepRecord } from '../core/runModel.ts';
import {
  type RunStatusView,
  STEP_VIEW_RECORD_FIELDS,
  type StepOutputView,
  type StepView,
} from '../core/runViews.ts';
import type { Services } from './services.ts';

export type { RunStatusView, StepView };

/** How much of each stream the run status shows (the output endpoint has all that was kept). */
export const STATUS_OUTPUT_TAIL_BYTES = 4096;

function tail(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const bytes = Buffer.from(text);
  if (bytes.length <= STATUS_OUTPUT_TAIL_BYTES) return text;
  return `…${bytes.subarray(bytes.length - STATUS_OUTPUT_TAIL_BYTES).toString('utf8')}`;
}

function stepView(step: StepRecord): StepView {
  const view: Record<string, unknown> = {};
  for (const field of STEP_VIEW_RECORD_FIELDS) if (step[field] !== undefined) view[field] = step[field];
  return view as StepView;
}

/** A step as GET /runs/{runId} shows it (and the `step` run event), with the tail of its output. */
export function stepViewWithOutput(step: StepRecord, output: StepOutput | undefined): StepView {
  const view = stepView(step);
  if (output && (output.stdout !== undefined || output.stderr !== undefined || output.body !== undefined)) {
    const excerpt: NonNullable<StepView['output']> = { truncated: Boolean(output.truncated) };
    if (output.stdout !== undefined) excerpt.stdout = tail(output.stdout);
    if (output.stderr !== undefined) excerpt.stderr = tail(output.stderr);
    if (output.body !== undefined) excerpt.body = tail(output.body);
    if (excerpt.stdout !== output.stdout || excerpt.stderr !== output.stderr || excerpt.body !== output.body)
      excerpt.truncated = true;
    view.output = excerpt;
  }
  return view;
}

export async function getRunRecord(services: Services, runId: string): Promise<RunRecord> {
  const run = await services.store.getRun(runId);
  if (!run) throw notFound(`run ${runId} does not exist`);
  return run;
}

export async function getRunStatus(services: Services, runId: string): Promise<RunStatusView> {
  const run = await getRunRecord(services, runId);
  const steps = await services.store.getSteps(runId);
  const view: RunStatusView = {
    runId: run.runId,
    taskId: run.runId,
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
    firedBy: run.firedBy,
    status: run.status,
    result: run.result,
    createdAt: run.createdAt,
    startedAt: run.startedAt ?? null,
    finishedAt: run.finishedAt ?? null,
    counts: countSteps(steps),
    steps: await Promise.all(
      steps.map(async (step) =>
        // finished steps, and the running one (its output so far), show their output's tail
        stepViewWithOutput(
          step,
          step.status === 'pending' || step.status === 'skipped'
            ? undefined
            : await services.store.getStepOutput(runId, step.index),
        ),
      ),
    ),
  };
  if (run.rerunOf) view.rerunOf = run.rerunOf;
  if (run.error) view.error = run.error;
  return view;
}

/** Where a client continues reading a step's streams (GET /runs/{runId}/steps/{n}/output). */
export interface OutputOffsets {
  stdoutOffset: number;
  stderrOffset: number;
}

/**
 * A step's kept output from the given offsets to what has arrived so far — while the step runs too
 * (functions/app/liveOutput.ts stores it as it comes); `complete` once the step has finished.
 */
export async function getStepOutput(
  services: Services,
  runId: string,
  index: number,
  offsets: OutputOffsets = { stdoutOffset: 0, stderrOffset: 0 },
): Promise<StepOutputView> {
  await getRunRecord(services, runId);
  const step = await services.store.getStep(runId, index);
  if (!step) throw notFound(`run ${runId} has no step ${index}`);
  const output = (await services.store.getStepOutput(runId, index)) ?? {};
  const stdout = textSince(output.stdout ?? '', output.streams?.stdout, offsets.stdoutOffset);
  const stderr = textSince(output.stderr ?? '', output.streams?.stderr, offsets.stderrOffset);
  return {
    runId,
    index,
    name: step.name,
    status: step.status,
    stdout: stdout.text,
    stderr: stderr.text,
    stdoutOffset: stdout.next,
    stderrOffset: stderr.next,
    truncated: Boolean(output.truncated),
    complete: isTerminal(step.status),
    ...(output.body !== undefined ? { body: output.body } : {}),
    ...(output.data !== undefined ? { data: output.data } : {}),
  };
}
