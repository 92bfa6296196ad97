import type { Command } from 'commander';
import { type ApiClient, path } from '../apiClient.ts';
import { action } from '../context.ts';
import { ApiError, UsageError } from '../errors.ts';
import { hookFileText, readHookFiles } from '../hookFiles.ts';
import { type FieldChange, definitionChanges, desiredDefinition, hookTypeUnchanged } from '../hookDiff.ts';
import { type Output, paint, printJson } from '../output.ts';

/**
 * `hookline apply -f FILE|DIR`: hooks managed as files (cli/hookFiles.ts). Shows what will change,
 * creates missing hooks (PUT), updates those that differ (POST), leaves equal ones alone — so a second
 * apply changes nothing; `--prune` removes the hooks of the files' groups that no file defines.
 * `hookline export GROUP` writes a group back in the same format.
 */
type Change =
  | { action: 'put-type'; hookType: string; origin: string }
  | { action: 'type-unchanged'; hookType: string; origin: string }
  | { action: 'create' | 'unchanged'; hookGroupId: string; hookId: string; origin: string }
  | { action: 'update'; hookGroupId: string; hookId: string; origin: string; fields: FieldChange[] }
  | { action: 'delete'; hookGroupId: string; hookId: string };

async function currentDefinition(api: ApiClient, g: string, h: string) {
  try {
    return await api.get(path`/hooks/${g}/${h}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function currentHookType(api: ApiClient, name: string) {
  try {
    return await api.get(path`/hook-types/${name}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function groupHookIds(api: ApiClient, group: string): Promise<string[]> {
  try {
    const { hooks } = await api.get<{ hooks: Array<{ hookId: string }> }>(path`/hooks/${group}`);
    return hooks.map((h) => h.hookId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

/** Schedules are stored in canonical form; a textual difference may be none (`cron(...)` vs 5 fields). */
async function canonicalSchedules(api: ApiClient, schedules: unknown): Promise<unknown> {
  if (!Array.isArray(schedules)) return schedules;
  return Promise.all(
    schedules.map(async (expression) => {
      if (typeof expression !== 'string') return expression;
      const preview = await api.get<{ expression: string; canonicalExpression?: string }>(
        '/schedule-preview',
        {
          expression,
          count: 1,
        },
      );
      return preview.canonicalExpression ?? preview.expression;
    }),
  );
}

const brief = (value: unknown) => {
  const text = value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
};

function describe(output: Output, change: Change): string {
  if (change.action === 'put-type')
    return `${paint(output, 'green', `+ hook type ${change.hookType}`)}  (${change.origin})\n`;
  if (change.action === 'type-unchanged')
    return `${paint(output, 'gray', `= hook type ${change.hookType}`)}\n`;
  const id = `${change.hookGroupId}/${change.hookId}`;
  switch (change.action) {
    case 'create':
      return `${paint(output, 'green', `+ create ${id}`)}  (${change.origin})\n`;
    case 'delete':
      return `${paint(output, 'red', `- delete ${id}`)}  (no file defines it)\n`;
    case 'unchanged':
      return `${paint(output, 'gray', `= unchanged ${id}`)}\n`;
    case 'update':
      return `${paint(output, 'yellow', `~ update ${id}`)}  (${change.origin})\n${change.fields
        .map(
          (f) =>
            `    ${f.field}: ${paint(output, 'red', brief(f.from))} → ${paint(output, 'green', brief(f.to))}\n`,
        )
        .join('')}`;
  }
}

export function registerApplyCommands(program: Command): void {
  program
    .command('apply')
    .description('create or update the hooks that YAML/JSON files define (idempotent; shows what changes)')
    .requiredOption('-f, --file <path...>', 'hook file(s) or directories of them (.yaml, .yml, .json)')
    .option('--prune', "remove hooks of the files' groups that no file defines")
    .option('--dry-run', 'show what would change, change nothing')
    .action(
      action<{ file: string[]; prune?: boolean; dryRun?: boolean }>(
        async (_args, { api, output, options }) => {
          const files = readHookFiles(options.file);
          const entries = files.hooks;
          if (entries.length + files.hookTypes.length === 0)
            throw new UsageError(`${options.file.join(', ')} define no hooks`);
          const client = api();
          const changes: Change[] = [];
          const bodies = new Map<string, Record<string, unknown>>();
          // hook types first: the hooks may use them
          for (const type of files.hookTypes) {
            const current = await currentHookType(client, type.name);
            const unchanged = current !== undefined && hookTypeUnchanged(type.definition, current);
            changes.push({
              action: unchanged ? 'type-unchanged' : 'put-type',
              hookType: type.name,
              origin: type.origin,
            });
            bodies.set(`type:${type.name}`, type.definition);
          }
          for (const entry of entries) {
            const desired = desiredDefinition(entry.definition);
            const key = `${entry.hookGroupId}/${entry.hookId}`;
            bodies.set(key, desired);
            const current = await currentDefinition(client, entry.hookGroupId, entry.hookId);
            const base = { hookGroupId: entry.hookGroupId, hookId: entry.hookId, origin: entry.origin };
            if (!current) {
              changes.push({ action: 'create', ...base });
              continue;
            }
            let fields = definitionChanges(desired, current);
            if (fields.some((f) => f.field === 'schedule')) {
              const schedule = await canonicalSchedules(client, desired.schedule);
              fields = definitionChanges({ ...desired, schedule }, current);
            }
            changes.push(
              fields.length ? { action: 'update', ...base, fields } : { action: 'unchanged', ...base },
            );
          }
          if (options.prune) {
            const defined = new Set(entries.map((e) => `${e.hookGroupId}/${e.hookId}`));
            for (const group of [...new Set(entries.map((e) => e.hookGroupId))].sort()) {
              for (const hookId of await groupHookIds(client, group))
                if (!defined.has(`${group}/${hookId}`))
                  changes.push({ action: 'delete', hookGroupId: group, hookId });
            }
          }
          if (!output.json) for (const change of changes) output.out(describe(output, change));
          if (!options.dryRun) {
            for (const change of changes) {
              if (change.action === 'put-type') {
                const body = bodies.get(`type:${change.hookType}`);
                await client.request('PUT', path`/hook-types/${change.hookType}`, { body });
                continue;
              }
              if (change.action === 'type-unchanged') continue;
              const url = path`/hooks/${change.hookGroupId}/${change.hookId}`;
              const body = bodies.get(`${change.hookGroupId}/${change.hookId}`);
              if (change.action === 'create') await client.request('PUT', url, { body });
              else if (change.action === 'update') await client.request('POST', url, { body });
              else if (change.action === 'delete') await client.request('DELETE', url);
            }
          }
          const count = (kind: Change['action']) => changes.filter((c) => c.action === kind).length;
          const summary = {
            hookTypes: count('put-type'),
            created: count('create'),
            updated: count('update'),
            deleted: count('delete'),
            unchanged: count('unchanged'),
          };
          if (output.json) return printJson(output, { dryRun: Boolean(options.dryRun), changes, summary });
          output.out(
            `${options.dryRun ? 'would change (dry run): ' : ''}${summary.hookTypes ? `${summary.hookTypes} hook type(s) stored, ` : ''}${summary.created} created, ${summary.updated} updated, ${summary.deleted} deleted, ${summary.unchanged} unchanged\n`,
          );
        },
      ),
    );

  program
    .command('export')
    .description('print the hooks of a group as a YAML hook file (hookline apply -f reads it back)')
    .argument('<group>', 'hook group id')
    .action(
      action(async ([group], { api, output }) => {
        const { hooks } = await api().get<{ hooks: Array<Record<string, unknown>> }>(path`/hooks/${group!}`);
        if (output.json) printJson(output, hooks);
        else output.out(hookFileText(hooks));
      }),
    );
}
