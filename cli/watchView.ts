import { type Output, formatDuration, paint, statusColour } from './output.ts';
import { FINISHED_STEP_STATUSES } from '../functions/core/runStates.ts';
import type { RunView, StepView } from './runEvents.ts';

/**
 * The live view of a run (`hookline watch`, `trigger --wait` on a terminal): a header with a progress
 * bar over the steps, one line a step (status, duration), and the running steps' last output lines.
 * Pure: the same run, output and time give the same lines.
 */
export const TAIL_LINES = 5;
const BAR_WIDTH = 24;
const DONE: ReadonlySet<string> = FINISHED_STEP_STATUSES;

const MARKS: Record<string, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  timed_out: '✗',
  skipped: '-',
  cancelled: '-',
};

export function runSucceeded(run: RunView): boolean {
  return run.result === 'succeeded' || run.result === 'succeeded_with_warnings';
}

function stepDuration(step: StepView, now: number): number | undefined {
  if (step.durationMs !== undefined) return step.durationMs;
  if (step.startedAt)
    return (step.finishedAt ? Date.parse(step.finishedAt) : now) - Date.parse(step.startedAt);
  return undefined;
}

export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}

export function runHeadline(output: Output, run: RunView): string {
  const state = run.status === 'finished' ? (run.result ?? 'finished') : run.status;
  return `${run.hookGroupId}/${run.hookId}  run ${run.runId}  ${paint(output, statusColour(state), state)}`;
}

export function watchLines(
  output: Output,
  run: RunView,
  tails: Map<number, string[]>,
  now: number,
): string[] {
  const done = run.steps.filter((s) => DONE.has(s.status)).length;
  const elapsed = run.startedAt
    ? formatDuration((run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt))
    : '';
  const lines = [`${runHeadline(output, run)}  ${progressBar(done, run.steps.length)}  ${elapsed}`.trimEnd()];
  const nameWidth = Math.max(4, ...run.steps.map((s) => s.name.length));
  for (const step of run.steps) {
    const mark = paint(output, statusColour(step.status), MARKS[step.status] ?? '?');
    const status = paint(output, statusColour(step.status), step.status.padEnd(9));
    lines.push(
      `  ${mark} ${String(step.index).padStart(2)} ${step.phase.padEnd(6)} ${step.name.padEnd(nameWidth)}  ${status}  ${formatDuration(stepDuration(step, now))}`.trimEnd(),
    );
    if (step.status === 'running')
      for (const line of shownTail(tails.get(step.index) ?? []))
        lines.push(paint(output, 'gray', `        │ ${line}`));
  }
  if (run.status === 'finished' && run.error?.message)
    lines.push(paint(output, 'red', `  ${run.error.message}`));
  return lines;
}

/** One line for a step's change (the non-terminal form: a line per change). */
export function stepChangeLine(output: Output, step: StepView, now: number): string {
  const duration = DONE.has(step.status) ? formatDuration(stepDuration(step, now)) : '';
  const reason = step.error?.message ?? step.reason;
  return `step ${step.index} ${step.phase} ${step.name}: ${paint(output, statusColour(step.status), step.status)}${duration ? ` (${duration})` : ''}${reason && step.status !== 'succeeded' ? ` — ${reason}` : ''}`;
}

/** The last lines of a stream's text, kept as text arrives. */
export function appendTail(tail: string[], text: string, keep = TAIL_LINES): string[] {
  const parts = text.split('\n');
  const lines = [...tail];
  if (lines.length > 0 && parts.length > 0) lines[lines.length - 1] += parts.shift() ?? '';
  lines.push(...parts);
  // the last piece is the line being written (empty right after a newline)
  return lines.slice(-(keep + 1));
}

function shownTail(tail: string[]): string[] {
  const complete = tail[tail.length - 1] === '' ? tail.slice(0, -1) : tail;
  return complete.slice(-TAIL_LINES);
}
