import type { RunStatus, StepStatus } from './runModel.ts';

/**
 * The id of a run event (GET /runs/{runId}/events) is the position the client has reached: the run's
 * state, each step's state, and how much of each step's stdout/stderr it has. Derived from durable
 * state only, so any process, after any restart, resumes from it (Last-Event-ID) by sending what the
 * store holds beyond it — no gap, no repeat. States only move forward (pending → running → done) and
 * streams only grow, so every event moves the position forward; the id starts with the sum of the
 * position's parts, which therefore strictly increases within a run.
 *
 * Form: `<sum>.<run rank><step ranks>[.<index>:<stdout>:<stderr>]…`, e.g. `57.1220.1:40:15`.
 */
export interface RunCursor {
  /** 0 pending, 1 running, 2 finished. */
  run: number;
  /** Per step: 0 pending, 1 running, 2 settled. */
  steps: number[];
  /** Per step with output sent: characters of stdout and stderr sent. */
  output: Map<number, { stdout: number; stderr: number }>;
}

export function runRank(status: RunStatus): number {
  return status === 'pending' ? 0 : status === 'running' ? 1 : 2;
}

export function stepRank(status: StepStatus): number {
  return status === 'pending' ? 0 : status === 'running' ? 1 : 2;
}

function sum(cursor: RunCursor): number {
  let total = cursor.run;
  for (const rank of cursor.steps) total += rank;
  for (const { stdout, stderr } of cursor.output.values()) total += stdout + stderr;
  return total;
}

export function encodeCursor(cursor: RunCursor): string {
  const parts = [String(sum(cursor)), `${cursor.run}${cursor.steps.join('')}`];
  for (const [index, { stdout, stderr }] of [...cursor.output].sort((a, b) => a[0] - b[0])) {
    if (stdout > 0 || stderr > 0) parts.push(`${index}:${stdout}:${stderr}`);
  }
  return parts.join('.');
}

/** The cursor an id names, or undefined when it is not an event id of a run with `stepCount` steps. */
export function decodeCursor(id: string, stepCount: number): RunCursor | undefined {
  if (id.length > 16_384) return undefined;
  const [total, ranks, ...outputs] = id.split('.');
  if (!total || !/^\d{1,16}$/.test(total) || !ranks || !/^[012]+$/.test(ranks)) return undefined;
  if (ranks.length !== stepCount + 1) return undefined;
  const cursor: RunCursor = {
    run: Number(ranks[0]),
    steps: [...ranks.slice(1)].map(Number),
    output: new Map(),
  };
  for (const entry of outputs) {
    const match = /^(\d{1,4}):(\d{1,12}):(\d{1,12})$/.exec(entry);
    if (!match) return undefined;
    const index = Number(match[1]);
    if (index >= stepCount || cursor.output.has(index)) return undefined;
    cursor.output.set(index, { stdout: Number(match[2]), stderr: Number(match[3]) });
  }
  return sum(cursor) === Number(total) ? cursor : undefined;
}
