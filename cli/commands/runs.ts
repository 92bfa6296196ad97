import type { Command } from 'commander';
import type { RunSummary } from '../../functions/core/runModel.ts';
import { FIRING_PATHS, RUN_RESULTS, RUN_STATUSES } from '../../functions/core/runStates.ts';
import { path } from '../apiClient.ts';
import { action } from '../context.ts';
import { RunFailed, UsageError } from '../errors.ts';
import { formatDuration, formatTime, printJson, statusColour, table } from '../output.ts';
import type { RunView } from '../runEvents.ts';
import { watchRun } from '../watchRun.ts';
import { runSucceeded, stepChangeLine, watchLines } from '../watchView.ts';

/** Runs: the list across hooks, one run, cancel, a hook's last fires, and the live view. */
function oneOf(value: string | undefined, allowed: readonly string[], option: string): string | undefined {
  if (value !== undefined && !allowed.includes(value))
    throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not "${value}"`);
  return value;
}

/** `--since 2026-11-01`, `--since 2026-11-01T10:00:00Z`, or a duration back from now: `30m`, `2h`, `7d`. */
export function timeOption(value: string | undefined, option: string, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  const ago = /^(\d+)([smhd])$/.exec(value);
  if (ago) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(ago[1]) * unit).toISOString();
  }
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UsageError(
      `${option} "${value}" must be an ISO time (2026-11-01, 2026-11-01T10:00:00Z) or an age (30m, 2h, 7d)`,
    );
  return new Date(ms).toISOString();
}

function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1)
    throw new UsageError(`${option} must be a whole number from 1`);
  return Number(value);
}

export function registerRunCommands(program: Command): void {
  const runs = program.command('runs').description('list runs and show one');

  runs
    .command('ls')
    .description('runs across hooks, newest first')
    .option('--hook <group[/hook]>', 'only this group, or this hook')
    .option('--status <status>', RUN_STATUSES.join('|'))
    .option('--result <result>', RUN_RESULTS.join('|'))
    .option('--fired-by <how>', FIRING_PATHS.join('|'))
    .option('--since <time>', 'created at or after (ISO time, or an age: 30m, 2h, 7d)')
    .option('--until <time>', 'created before (ISO time, or an age)')
    .option('--limit <n>', 'runs a page (default: the server’s)')
    .option('--continuation-token <token>', 'the next page (printed after a full page)')
    .action(
      action<{
        hook?: string;
        status?: string;
        result?: string;
        firedBy?: string;
        since?: string;
        until?: string;
        limit?: string;
        continuationToken?: string;
      }>(async (_args, { api, output, options }) => {
        const [hookGroupId, ...hookParts] = options.hook?.split('/') ?? [];
        if (options.hook !== undefined && !hookGroupId)
          throw new UsageError('--hook takes GROUP or GROUP/HOOK');
        const page = await api().get<{ runs: RunSummary[]; continuationToken?: string }>('/runs', {
          hookGroupId,
          hookId: hookParts.length ? hookParts.join('/') : undefined,
          status: oneOf(options.status, RUN_STATUSES, '--status'),
          result: oneOf(options.result, RUN_RESULTS, '--result'),
          firedBy: oneOf(options.firedBy, FIRING_PATHS, '--fired-by'),
          since: timeOption(options.since, '--since'),
          until: timeOption(options.until, '--until'),
          limit: positiveInt(options.limit, '--limit'),
          continuationToken: options.continuationToken,
        });
        if (output.json) return printJson(output, page);
        if (page.runs.length === 0) output.err('no runs\n');
        else
          output.out(
            table(output, page.runs, [
              { header: 'RUN', value: (r) => r.runId },
              { header: 'HOOK', value: (r) => `${r.hookGroupId}/${r.hookId}` },
              { header: 'FIRED BY', value: (r) => r.firedBy },
              { header: 'CREATED', value: (r) => formatTime(r.createdAt) },
              {
                header: 'STATE',
                value: (r) => (r.status === 'finished' ? (r.result ?? 'finished') : r.status),
                colour: (r) => statusColour(r.status === 'finished' ? r.result : r.status),
              },
              {
                header: 'DURATION',
                value: (r) =>
                  r.startedAt && r.finishedAt
                    ? formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt))
                    : '',
              },
            ]),
          );
        if (page.continuationToken) output.err(`more: --continuation-token ${page.continuationToken}\n`);
      }),
    );

  runs
    .command('get')
    .description("a run's status and steps")
    .argument('<run>', 'run id')
    .action(
      action(async ([runId], { api, output }) => {
        const run = await api().get<RunView>(path`/runs/${runId!}`);
        if (output.json) return printJson(output, run);
        output.out(`${watchLines(output, run, new Map(), Date.now()).join('\n')}\n`);
        output.out(
          `fired by ${run.firedBy} at ${formatTime(run.createdAt)}${run.rerunOf ? `, rerun of ${run.rerunOf}` : ''}\n`,
        );
      }),
    );

  program
    .command('watch')
    .description(
      'a live view of a run: steps, durations, the running step’s output, progress (exits 1 if it fails)',
    )
    .argument('<run>', 'run id')
    .action(
      action(async ([runId], { api, output }) => {
        const run = await watchRun(api(), output, runId!);
        if (output.json) printJson(output, run);
        if (!runSucceeded(run)) throw new RunFailed(`run ${runId} ${run.result ?? 'did not succeed'}`);
      }),
    );

  program
    .command('cancel')
    .description('cancel a run (its running step is stopped; runOnFailure post-hooks and notify still run)')
    .argument('<run>', 'run id')
    .action(
      action(async ([runId], { api, output }) => {
        const run = await api().request<RunView>('POST', path`/runs/${runId!}/cancel`);
        if (output.json) return printJson(output, run);
        output.out(`cancelling ${runId}: ${run.status}${run.result ? ` (${run.result})` : ''}\n`);
        for (const step of run.steps)
          if (step.status !== 'pending') output.out(`${stepChangeLine(output, step, Date.now())}\n`);
      }),
    );

  program
    .command('last-fires')
    .description("a hook's recent fires: how it was fired and what became of each")
    .argument('<group>')
    .argument('<hook>')
    .option('--limit <n>', 'fires a page')
    .option('--continuation-token <token>', 'the next page')
    .action(
      action<{ limit?: string; continuationToken?: string }>(async ([g, h], { api, output, options }) => {
        const page = await api().get<{
          lastFires: Array<{
            firedBy: string;
            runId: string;
            time: string;
            result: string;
            error: string;
            runState: string | null;
            runResult: string | null;
          }>;
          continuationToken?: string;
        }>(path`/hooks/${g!}/${h!}/last-fires`, {
          limit: positiveInt(options.limit, '--limit'),
          continuationToken: options.continuationToken,
        });
        if (output.json) return printJson(output, page);
        output.out(
          table(output, page.lastFires, [
            { header: 'TIME', value: (f) => formatTime(f.time) },
            { header: 'FIRED BY', value: (f) => f.firedBy },
            { header: 'FIRE', value: (f) => f.result, colour: (f) => statusColour(f.result) },
            { header: 'RUN', value: (f) => (f.runState ? f.runId : '') },
            {
              header: 'RUN STATE',
              value: (f) => f.runResult ?? f.runState ?? '',
              colour: (f) => statusColour(f.runResult ?? f.runState),
            },
            { header: 'ERROR', value: (f) => f.error },
          ]),
        );
        if (page.continuationToken) output.err(`more: --continuation-token ${page.continuationToken}\n`);
      }),
    );
}
