import type { Command } from 'commander';
import { type ApiClient, path } from '../apiClient.ts';
import { action } from '../context.ts';
import { RunFailed, UsageError } from '../errors.ts';
import { type Output, paint, printJson } from '../output.ts';
import { followRun, type OutputEvent, type RunView } from '../runEvents.ts';
import { runSucceeded } from '../watchView.ts';

/**
 * `hookline logs RUN [--step N] [--follow]`: a run's output — stdout to stdout, stderr to stderr.
 * Without --follow, what was kept so far (GET /runs/{runId}/steps/{n}/output); with it, the text as it
 * arrives over the events stream until the run ends. Each stream's offset is tracked, so text the
 * stream sends twice is printed once and text it skipped is fetched from the output endpoint.
 */
interface StepOutput {
  stdout?: string;
  stderr?: string;
  body?: string;
  stdoutOffset?: number;
  stderrOffset?: number;
  truncated?: boolean;
  complete?: boolean;
}

function stepIndex(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value)) throw new UsageError(`--step must be a step index (0, 1, …), not "${value}"`);
  return Number(value);
}

class OutputPrinter {
  private readonly offsets = new Map<string, number>();
  private lastStep: number | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly output: Output,
    private readonly runId: string,
    private readonly only: number | undefined,
    private readonly names: Map<number, string>,
  ) {}

  async print(event: OutputEvent): Promise<void> {
    if (this.only !== undefined && event.index !== this.only) return;
    const key = `${event.index}:${event.stream}`;
    const known = this.offsets.get(key) ?? 0;
    if (event.offset > known) {
      // text the stream did not send: ask the output endpoint from where we are
      const filled = await this.api.get<StepOutput>(path`/runs/${this.runId}/steps/${event.index}/output`, {
        [`${event.stream}Offset`]: known,
      });
      this.write(event.index, event.stream, (filled[event.stream] ?? '').slice(0, event.offset - known));
    }
    const from = Math.max(known, event.offset) - event.offset;
    this.write(event.index, event.stream, event.text.slice(from));
    this.offsets.set(key, Math.max(known, event.offset + event.text.length));
  }

  private write(index: number, stream: 'stdout' | 'stderr', text: string): void {
    if (!text) return;
    if (this.only === undefined && this.lastStep !== index) {
      this.lastStep = index;
      this.output.err(paint(this.output, 'gray', `── step ${index} ${this.names.get(index) ?? ''}\n`));
    }
    if (stream === 'stdout') this.output.out(text);
    else this.output.err(text);
  }
}

export function registerLogCommands(program: Command): void {
  program
    .command('logs')
    .description("a run's output (stdout to stdout, stderr to stderr); --follow streams it as it arrives")
    .argument('<run>', 'run id')
    .option('--step <n>', 'only this step')
    .option('-f, --follow', 'keep printing until the run ends (exit 1 if it fails)')
    .action(
      action<{ step?: string; follow?: boolean }>(async ([runId], { api, output, options }) => {
        const only = stepIndex(options.step);
        const client = api();
        const run = await client.get<RunView>(path`/runs/${runId!}`);
        if (only !== undefined && !run.steps.some((s) => s.index === only))
          throw new UsageError(`run ${runId} has no step ${only} (it has ${run.steps.length})`);
        const names = new Map(run.steps.map((s) => [s.index, `${s.phase} ${s.name}`]));
        if (options.follow) {
          if (output.json)
            throw new UsageError('--follow streams text; without it, --json prints the kept output');
          const printer = new OutputPrinter(client, output, runId!, only, names);
          const finished = await followRun(client, runId!, {
            run: (view) => {
              for (const s of view.steps) names.set(s.index, `${s.phase} ${s.name}`);
            },
            output: (event) => printer.print(event),
          });
          if (!runSucceeded(finished))
            throw new RunFailed(`run ${runId} ${finished.result ?? 'did not succeed'}`);
          return;
        }
        const steps = run.steps.filter((s) =>
          only === undefined ? s.status !== 'pending' : s.index === only,
        );
        const outputs = await Promise.all(
          steps.map((s) => client.get<StepOutput>(path`/runs/${runId!}/steps/${s.index}/output`)),
        );
        if (output.json) return printJson(output, { runId, steps: outputs });
        steps.forEach((step, i) => {
          const kept = outputs[i]!;
          if (only === undefined)
            output.err(
              paint(output, 'gray', `── step ${step.index} ${step.phase} ${step.name} (${step.status})\n`),
            );
          if (kept.stdout) output.out(kept.stdout);
          if (kept.body) output.out(`${kept.body}\n`);
          if (kept.stderr) output.err(kept.stderr);
          if (kept.truncated)
            output.err(paint(output, 'yellow', '(output truncated: the head and tail were kept)\n'));
        });
      }),
    );
}
