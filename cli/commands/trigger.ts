import type { Command } from 'commander';
import { stringify } from 'yaml';
import { path } from '../apiClient.ts';
import { action } from '../context.ts';
import { RunFailed, UsageError } from '../errors.ts';
import { readHookFiles } from '../hookFiles.ts';
import { readJsonArgument } from '../input.ts';
import { type Output, paint, printJson } from '../output.ts';
import type { RunView } from '../runEvents.ts';
import { watchRun } from '../watchRun.ts';
import { runSucceeded } from '../watchView.ts';

/** Firing a hook (`trigger`), re-running a run (`rerun`), and rendering without running (`render`). */
const PAYLOAD_HELP = 'JSON payload: inline JSON, @file, or - for stdin (default {})';

interface TriggerAnswer {
  runId?: string;
  duplicate?: boolean;
  skipped?: boolean;
  reason?: string;
}

/** Prints a fire's outcome; with --wait follows the run and exits 1 when it did not succeed. */
async function reportFire(
  answer: TriggerAnswer,
  output: Output,
  wait: boolean,
  follow: (runId: string) => Promise<RunView>,
): Promise<void> {
  if (!answer.runId) {
    if (output.json) return printJson(output, answer);
    // a concurrency skip is not the template declining
    if (answer.skipped)
      output.out(`${paint(output, 'yellow', 'skipped')}: ${answer.reason ?? 'concurrency limit reached'}\n`);
    else output.out(`${paint(output, 'yellow', 'declined')}: the template rendered null, nothing runs\n`);
    return;
  }
  if (!wait) {
    if (output.json) return printJson(output, answer);
    output.out(`${answer.runId}${answer.duplicate ? ' (already started with this Idempotency-Key)' : ''}\n`);
    return;
  }
  const run = await follow(answer.runId);
  if (output.json) printJson(output, run);
  if (!runSucceeded(run)) throw new RunFailed(`run ${answer.runId} ${run.result ?? 'did not succeed'}`);
  return undefined;
}

export function registerTriggerCommands(program: Command): void {
  program
    .command('trigger')
    .description('fire a hook; prints the run id (--wait follows the run and exits 1 if it failed)')
    .argument('<group>')
    .argument('<hook>')
    .argument('[payload]', PAYLOAD_HELP)
    .option('--wait', 'follow the run until it finishes')
    .option('--idempotency-key <key>', 'a retry with the same key starts no second run')
    .action(
      action<{ wait?: boolean; idempotencyKey?: string }>(
        async ([g, h, payload], { api, output, options }) => {
          const body = payload === undefined ? {} : readJsonArgument(payload, 'payload');
          const client = api();
          const answer = await client.request<TriggerAnswer>('POST', path`/hooks/${g!}/${h!}/trigger`, {
            body,
            headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
          });
          return reportFire(answer, output, Boolean(options.wait), (runId) =>
            watchRun(client, output, runId),
          );
        },
      ),
    );

  program
    .command('rerun')
    .description('start a new run of the same job (--wait follows it)')
    .argument('<run>', 'run id')
    .option('--wait', 'follow the new run until it finishes')
    .action(
      action<{ wait?: boolean }>(async ([runId], { api, output, options }) => {
        const client = api();
        const answer = await client.request<TriggerAnswer>('POST', path`/runs/${runId!}/rerun`);
        return reportFire(answer, output, Boolean(options.wait), (id) => watchRun(client, output, id));
      }),
    );

  program
    .command('render')
    .description('render a hook for a firing context and show the job it would run (runs nothing)')
    .argument('[group]')
    .argument('[hook]')
    .option('-f, --file <file>', 'an unsaved hook file (one hook) instead of a stored hook')
    .option('--payload <json>', PAYLOAD_HELP)
    .option('--event <json>', 'the event, for firedBy event: inline JSON, @file, or -')
    .option('--fired-by <how>', 'triggerHook (default), schedule, event or triggerHookWithToken')
    .action(
      action<{ file?: string; payload?: string; event?: string; firedBy?: string }>(
        async ([g, h], { api, output, options }) => {
          const firedBy = options.firedBy;
          if (firedBy && !['triggerHook', 'schedule', 'event', 'triggerHookWithToken'].includes(firedBy))
            throw new UsageError(
              `--fired-by must be triggerHook, schedule, event or triggerHookWithToken, not "${firedBy}"`,
            );
          const context = {
            ...(firedBy ? { firedBy } : {}),
            ...(options.payload !== undefined
              ? { payload: readJsonArgument(options.payload, '--payload') }
              : {}),
            ...(options.event !== undefined ? { event: readJsonArgument(options.event, '--event') } : {}),
          };
          let answer: { job: unknown };
          if (options.file) {
            if (g !== undefined) throw new UsageError('give either GROUP HOOK or --file, not both');
            const entries = readHookFiles([options.file]).hooks;
            if (entries.length !== 1)
              throw new UsageError(`${options.file} must define exactly one hook to render`);
            const { hookGroupId, hookId, definition } = entries[0]!;
            const { hookGroupId: _g, hookId: _h, ...hook } = definition;
            answer = await api().request('POST', '/render', {
              body: { hook, hookGroupId, hookId, ...context },
            });
          } else {
            if (g === undefined || h === undefined)
              throw new UsageError('render needs GROUP HOOK, or --file FILE');
            answer = await api().request('POST', path`/hooks/${g}/${h}/render`, { body: context });
          }
          if (output.json) return printJson(output, answer);
          if (answer.job === null)
            output.out(
              `${paint(output, 'yellow', 'declined')}: the template renders null, nothing would run\n`,
            );
          else output.out(stringify(answer.job, { lineWidth: 0 }));
        },
      ),
    );
}
