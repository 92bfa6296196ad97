import type { Command } from 'commander';
import { stringify } from 'yaml';
import { path } from '../apiClient.ts';
import { action } from '../context.ts';
import { ApiError, NotFound } from '../errors.ts';
import { readJsonArgument } from '../input.ts';
import { formatTime, paint, printJson, statusColour, table } from '../output.ts';

/** Hooks and what belongs to one hook: list, show, remove, status, history, config, secrets, tokens. */
interface HookSummary {
  hookGroupId: string;
  hookId: string;
  metadata?: { name?: string };
  schedule?: string[];
  bindings?: unknown[];
  hookType?: string;
}

export function registerHookCommands(program: Command): void {
  const hooks = program.command('hooks').description('list, show and remove hooks');

  hooks
    .command('ls')
    .description('list hooks (of every group, or of one)')
    .argument('[group]', 'hook group id')
    .action(
      action(async ([group], { api, output }) => {
        const groups = group ? [group] : (await api().get<{ groups: string[] }>('/hooks')).groups;
        const all: HookSummary[] = [];
        for (const g of groups) {
          try {
            all.push(...(await api().get<{ hooks: HookSummary[] }>(path`/hooks/${g}`)).hooks);
          } catch (error) {
            // an empty group answers 404; a group asked for by name says so
            if (!(error instanceof ApiError && error.status === 404) || group) throw error;
          }
        }
        if (output.json) return printJson(output, { hooks: all });
        if (all.length === 0) return output.err('no hooks\n');
        output.out(
          table(output, all, [
            { header: 'GROUP', value: (h) => h.hookGroupId },
            { header: 'HOOK', value: (h) => h.hookId },
            { header: 'NAME', value: (h) => h.metadata?.name ?? '' },
            { header: 'TYPE', value: (h) => h.hookType ?? '' },
            {
              header: 'FIRES ON',
              value: (h) =>
                [
                  ...(h.schedule ?? []),
                  ...(h.bindings?.length ? [`${h.bindings.length} binding(s)`] : []),
                  'trigger',
                ].join(', '),
            },
          ]),
        );
      }),
    );

  hooks
    .command('get')
    .description('show a hook definition (YAML; --json for JSON)')
    .argument('<group>')
    .argument('<hook>')
    .action(
      action(async ([g, h], { api, output }) => {
        const definition = await api().get(path`/hooks/${g!}/${h!}`);
        if (output.json) printJson(output, definition);
        else output.out(stringify(definition, { lineWidth: 0 }));
      }),
    );

  hooks
    .command('rm')
    .description('remove a hook (its schedules and bindings go with it)')
    .argument('<group>')
    .argument('<hook>')
    .action(
      action(async ([g, h], { api, output }) => {
        await api().request('DELETE', path`/hooks/${g!}/${h!}`);
        if (output.json) printJson(output, { removed: { hookGroupId: g, hookId: h } });
        else output.out(`removed ${g}/${h}\n`);
      }),
    );

  hooks
    .command('status')
    .description("a hook's last fire (with its run's state and result) and next scheduled time")
    .argument('<group>')
    .argument('<hook>')
    .action(
      action(async ([g, h], { api, output }) => {
        const status = await api().get<{
          lastFire: {
            result: string;
            runId?: string;
            time?: string;
            error?: string;
            runState?: string;
            runResult?: string;
          };
          nextScheduledDate?: string;
          missedOccurrences?: number;
        }>(path`/hooks/${g!}/${h!}/status`);
        if (output.json) return printJson(output, status);
        const last = status.lastFire;
        const run = last.runId
          ? ` run ${last.runId}${last.runState ? ` ${last.runState}` : ''}${last.runResult ? ` ${paint(output, statusColour(last.runResult), last.runResult)}` : ''}`
          : '';
        output.out(
          `last fire: ${paint(output, statusColour(last.result), last.result)}${last.time ? ` at ${formatTime(last.time)}` : ''}${run}${last.error ? ` — ${last.error}` : ''}\n`,
        );
        output.out(
          `next scheduled: ${status.nextScheduledDate ? formatTime(status.nextScheduledDate) : 'none'}\n`,
        );
        if (status.missedOccurrences) output.out(`missed occurrences: ${status.missedOccurrences}\n`);
      }),
    );

  hooks
    .command('token')
    .description("the hook's trigger token (for POST /hooks/{g}/{h}/trigger/{token})")
    .argument('<group>')
    .argument('<hook>')
    .option('--reset', 'replace it (the old one stops working)')
    .action(
      action<{ reset?: boolean }>(async ([g, h], { api, output, options }) => {
        const answer = await api().request<{ token: string }>(
          options.reset ? 'POST' : 'GET',
          path`/hooks/${g!}/${h!}/token`,
        );
        if (output.json) printJson(output, answer);
        else output.out(`${answer.token}\n`);
      }),
    );

  hooks
    .command('reconcile')
    .description("re-create a hook's schedules and bindings where they went out of sync")
    .argument('<group>')
    .argument('<hook>')
    .action(
      action(async ([g, h], { api, output }) => {
        const answer = await api().request('POST', path`/hooks/${g!}/${h!}/reconcile`);
        if (output.json) printJson(output, answer);
        else output.out(`reconciled ${g}/${h}\n`);
      }),
    );

  program
    .command('history')
    .description("a hook's change history (who created, changed, removed it, and what changed)")
    .argument('<group>')
    .argument('<hook>')
    .option('--limit <n>', 'at most this many records')
    .option('--continuation-token <token>', 'the next page')
    .action(
      action<{ limit?: string; continuationToken?: string }>(async ([g, h], { api, output, options }) => {
        const page = await api().get<{
          history: Array<{
            time: string;
            action: string;
            clientId?: string;
            changes?: Record<string, unknown>;
          }>;
          continuationToken?: string;
        }>(path`/hooks/${g!}/${h!}/history`, {
          limit: options.limit,
          continuationToken: options.continuationToken,
        });
        if (output.json) return printJson(output, page);
        output.out(
          table(output, page.history, [
            { header: 'TIME', value: (r) => formatTime(r.time) },
            { header: 'ACTION', value: (r) => r.action },
            { header: 'CLIENT', value: (r) => r.clientId ?? '' },
            { header: 'CHANGED', value: (r) => Object.keys(r.changes ?? {}).join(', ') },
          ]),
        );
        if (page.continuationToken) output.err(`more: --continuation-token ${page.continuationToken}\n`);
      }),
    );

  const config = program
    .command('config')
    .description("a hook's stored config (checked against its hook type)");
  config
    .command('get')
    .description("show the hook's config, or one key")
    .argument('<group>')
    .argument('<hook>')
    .argument('[key]')
    .action(
      action(async ([g, h, key], { api, output }) => {
        const definition = await api().get<{ config?: Record<string, unknown> }>(path`/hooks/${g!}/${h!}`);
        const values = definition.config ?? {};
        if (key !== undefined && !(key in values))
          throw new NotFound(`hook ${g}/${h} has no config key "${key}"`);
        const shown = key === undefined ? values : values[key];
        if (output.json || typeof shown !== 'object' || shown === null) printJson(output, shown);
        else output.out(stringify(shown, { lineWidth: 0 }));
      }),
    );
  config
    .command('set')
    .description(
      'set one key; VALUE is JSON (3, true, "text", {...}), @file or - (stdin); --string takes it as text',
    )
    .argument('<group>')
    .argument('<hook>')
    .argument('<key>')
    .argument('<value>')
    .option('--string', 'the value is text, not JSON')
    .action(
      action<{ string?: boolean }>(async ([g, h, key, value], { api, output, options }) => {
        const parsed = options.string ? value : readJsonArgument(value!, 'VALUE');
        const answer = await api().request('PUT', path`/hooks/${g!}/${h!}/config/${key!}`, {
          body: { value: parsed },
        });
        if (output.json) printJson(output, answer);
        else output.out(`${g}/${h} config.${key} = ${JSON.stringify(parsed)}\n`);
      }),
    );
  config
    .command('unset')
    .description('remove one key (a hook type default applies again)')
    .argument('<group>')
    .argument('<hook>')
    .argument('<key>')
    .action(
      action(async ([g, h, key], { api, output }) => {
        const answer = await api().request('DELETE', path`/hooks/${g!}/${h!}/config/${key!}`);
        if (output.json) printJson(output, answer);
        else output.out(`${g}/${h} config.${key} removed\n`);
      }),
    );

  program
    .command('signing-secret')
    .description("the secret that signs the hook's http steps (X-Hookline-Signature)")
    .argument('<group>')
    .argument('<hook>')
    .option('--reset', 'replace it (the old one stops verifying)')
    .action(
      action<{ reset?: boolean }>(async ([g, h], { api, output, options }) => {
        const answer = await api().request<{ secret: string }>(
          options.reset ? 'POST' : 'GET',
          path`/hooks/${g!}/${h!}/signing-secret`,
        );
        if (output.json) printJson(output, answer);
        else output.out(`${answer.secret}\n`);
      }),
    );
}
