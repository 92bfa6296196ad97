import type { ApiClient } from './apiClient.ts';
import type { Output } from './output.ts';
import { followRun, type RunView } from './runEvents.ts';
import { appendTail, runHeadline, stepChangeLine, watchLines } from './watchView.ts';

/**
 * Follows a run to its end and shows it: on a terminal the live view (cli/watchView.ts) redrawn in
 * place, at most every 100 ms and every second for the clocks; elsewhere a line per step change and the
 * final result. With `--json` nothing is shown until the finished run is printed by the caller.
 */
const REDRAW_MS = 100;

export async function watchRun(api: ApiClient, output: Output, runId: string): Promise<RunView> {
  if (output.json) return followRun(api, runId, {});
  return output.tty ? watchLive(api, output, runId) : watchPlain(api, output, runId);
}

async function watchPlain(api: ApiClient, output: Output, runId: string): Promise<RunView> {
  const seen = new Map<number, string>();
  let announced = false;
  const show = (step: RunView['steps'][number]) => {
    if (seen.get(step.index) === step.status || step.status === 'pending') return;
    seen.set(step.index, step.status);
    output.out(`${stepChangeLine(output, step, Date.now())}\n`);
  };
  const run = await followRun(api, runId, {
    run: (view) => {
      if (!announced) {
        announced = true;
        output.out(`${runHeadline(output, view)}\n`);
      }
      for (const step of view.steps) show(step);
    },
    step: show,
  });
  output.out(`${runHeadline(output, run)}\n`);
  if (run.error?.message) output.out(`${run.error.message}\n`);
  return run;
}

async function watchLive(api: ApiClient, output: Output, runId: string): Promise<RunView> {
  let run: RunView | undefined;
  const tails = new Map<number, string[]>();
  let drawnLines = 0;
  let dirty = false;
  const draw = () => {
    if (!run) return;
    dirty = false;
    const lines = watchLines(output, run, tails, Date.now());
    const width = process.stdout.columns || 120;
    const clipped = lines.map((line) => (line.length > width + 20 ? `${line.slice(0, width - 1)}…` : line));
    // back to the first line drawn, clear down, draw again
    output.out(`${drawnLines > 0 ? `\x1b[${drawnLines}F\x1b[J` : ''}${clipped.join('\n')}\n`);
    drawnLines = clipped.length;
  };
  const redraw = setInterval(() => dirty && draw(), REDRAW_MS);
  const tick = setInterval(() => {
    dirty = true;
  }, 1000);
  output.out('\x1b[?25l'); // hide the cursor while redrawing; Ctrl-C shows it again
  const interrupted = () => {
    output.out('\x1b[?25h\n');
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const finished = await followRun(api, runId, {
      run: (view) => {
        run = view;
        dirty = true;
      },
      step: (step) => {
        if (!run) return;
        run = { ...run, steps: run.steps.map((s) => (s.index === step.index ? step : s)) };
        if (!run.steps.some((s) => s.index === step.index)) run.steps.push(step);
        dirty = true;
      },
      output: (chunk) => {
        tails.set(chunk.index, appendTail(tails.get(chunk.index) ?? [], chunk.text));
        dirty = true;
      },
    });
    run = finished;
    draw();
    return finished;
  } finally {
    process.off('SIGINT', interrupted);
    clearInterval(redraw);
    clearInterval(tick);
    output.out('\x1b[?25h');
  }
}
