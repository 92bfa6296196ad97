import { textSince } from '../core/outputWindow.ts';
import { decodeCursor, encodeCursor, type RunCursor, runRank, stepRank } from '../core/runEventCursor.ts';
import type { StepOutput } from '../core/runModel.ts';
import { inputError } from '../core/errors.ts';
import { getRunRecord, getRunStatus, stepViewWithOutput } from './runQueries.ts';
import type { Services } from './services.ts';

/**
 * The events of GET /runs/{runId}/events, read from the store: `run` (the run status view), `step`
 * (one step view, when its state moved), `output` (new text of a step's stream). Each event's id is the
 * position reached with it (functions/core/runEventCursor.ts), so a read from any id sends exactly
 * what the store holds beyond it. Output is stored before a step is marked done (functions/app/runStep.ts)
 * and steps are read before their output, so a step's last output comes before its final `step` event;
 * a finished run's `run` event is the last.
 */
export type RunEvent =
  | { id: string; event: 'run' | 'step'; data: unknown }
  | {
      id: string;
      event: 'output';
      data: { index: number; stream: 'stdout' | 'stderr'; offset: number; text: string };
    };

export interface RunEventBatch {
  events: RunEvent[];
  cursor: RunCursor;
  finished: boolean;
}

/** The position a Last-Event-ID names, refused with a 400 when it is not one of this run's ids. */
export async function cursorFromEventId(services: Services, runId: string, id: string): Promise<RunCursor> {
  await getRunRecord(services, runId);
  const steps = await services.store.getSteps(runId);
  const cursor = decodeCursor(id, steps.length);
  if (!cursor) throw inputError('Last-Event-ID is not an event id of this run');
  return cursor;
}

/** The events after `from` (none: the first read, which starts with a `run` snapshot). */
export async function readRunEvents(
  services: Services,
  runId: string,
  from: RunCursor | undefined,
): Promise<RunEventBatch> {
  const events: RunEvent[] = [];
  let cursor: RunCursor;
  const replay = from === undefined;
  if (from === undefined) {
    const snapshot = await getRunStatus(services, runId);
    // a finished run is announced again at the end, after its output
    cursor = {
      run: Math.min(runRank(snapshot.status), 1),
      steps: snapshot.steps.map((s) => stepRank(s.status)),
      output: new Map(),
    };
    events.push({ id: encodeCursor(cursor), event: 'run', data: snapshot });
  } else {
    cursor = { run: from.run, steps: [...from.steps], output: new Map(from.output) };
  }
  const run = await getRunRecord(services, runId);
  const steps = await services.store.getSteps(runId);
  for (const step of steps) {
    const rank = stepRank(step.status);
    const before = cursor.steps[step.index] ?? 0;
    // output is read for a running step, and once for a step just settled (or for the replay)
    const settledNow = rank === 2 && (before < 2 || replay);
    if (rank === 1 && before < 1) {
      cursor.steps[step.index] = 1;
      events.push({ id: encodeCursor(cursor), event: 'step', data: stepViewWithOutput(step, undefined) });
    }
    let output: StepOutput | undefined;
    if (rank === 1 || settledNow) {
      output = await services.store.getStepOutput(runId, step.index);
      if (output) pushOutput(events, cursor, step.index, output);
    }
    if (rank === 2 && before < 2) {
      cursor.steps[step.index] = 2;
      events.push({ id: encodeCursor(cursor), event: 'step', data: stepViewWithOutput(step, output) });
    }
  }
  const rank = runRank(run.status);
  if (rank > cursor.run) {
    cursor.run = rank;
    events.push({ id: encodeCursor(cursor), event: 'run', data: await getRunStatus(services, runId) });
  }
  return { events, cursor, finished: cursor.run === 2 };
}

function pushOutput(events: RunEvent[], cursor: RunCursor, index: number, output: StepOutput): void {
  const sent = cursor.output.get(index) ?? { stdout: 0, stderr: 0 };
  for (const stream of ['stdout', 'stderr'] as const) {
    const since = textSince(output[stream] ?? '', output.streams?.[stream], sent[stream]);
    if (since.text.length === 0) continue;
    sent[stream] = since.next;
    cursor.output.set(index, { ...sent });
    events.push({
      id: encodeCursor(cursor),
      event: 'output',
      data: { index, stream, offset: since.offset, text: since.text },
    });
  }
}
