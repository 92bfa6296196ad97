import { describe, expect, it } from 'vitest';
import type { Output } from '../../cli/output.ts';
import type { RunView } from '../../cli/runEvents.ts';
import { appendTail, progressBar, watchLines } from '../../cli/watchView.ts';

/** The live view's lines (cli/watchView.ts). */
const plain: Output = { json: false, color: false, tty: true, out: () => {}, err: () => {} };
const run: RunView = {
  runId: 'r1',
  taskId: 'r1',
  hookGroupId: 'g',
  hookId: 'h',
  firedBy: 'triggerHook',
  status: 'running',
  result: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  startedAt: '2030-01-01T00:00:00.000Z',
  finishedAt: null,
  counts: { total: 3, succeeded: 1, failed: 0, skipped: 0, cancelled: 0 },
  steps: [
    { index: 0, phase: 'pre', name: 'dump', status: 'succeeded', durationMs: 1500 },
    { index: 1, phase: 'task', name: 'backup', status: 'running', startedAt: '2030-01-01T00:00:01.500Z' },
    { index: 2, phase: 'post', name: 'report', status: 'pending' },
  ],
};

describe('watchLines', () => {
  it('a headline with the progress bar, a line a step, the running step’s last lines', () => {
    const tails = new Map([[1, appendTail([], 'one\ntwo\nthr')]]);
    expect(watchLines(plain, run, tails, Date.parse('2030-01-01T00:00:04Z'))).toEqual([
      `g/h  run r1  running  ${progressBar(1, 3)}  4.0 s`,
      '  ✓  0 pre    dump    succeeded  1.5 s',
      '  ▶  1 task   backup  running    2.5 s',
      '        │ one',
      '        │ two',
      '        │ thr',
      '  ·  2 post   report  pending',
    ]);
    expect(progressBar(1, 3)).toBe('[████████░░░░░░░░░░░░░░░░] 1/3');
  });

  it('keeps the last lines of a stream as text arrives in pieces', () => {
    let tail: string[] = [];
    for (const piece of ['a\nb', 'c\n', 'd\ne\nf\ng\nh\n']) tail = appendTail(tail, piece);
    expect(tail.slice(0, -1)).toEqual(['d', 'e', 'f', 'g', 'h']);
    expect(appendTail(['x'], 'y')).toEqual(['xy']);
  });
});
