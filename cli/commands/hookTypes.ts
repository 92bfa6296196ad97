import type { Command } from 'commander';
import { stringify } from 'yaml';
import { path } from '../apiClient.ts';
import { action } from '../context.ts';
import { LocalInputError } from '../errors.ts';
import { parseJson, readTextFile } from '../input.ts';
import { printJson, table } from '../output.ts';
import { parseYamlValue } from '../yamlValue.ts';

/** Hook types (`/hook-types`): a config schema and a run template that typed hooks share. */
export function registerHookTypeCommands(program: Command): void {
  const types = program
    .command('hook-types')
    .description('hook types: config schema and run template shared by hooks');

  types
    .command('ls')
    .description('list hook types')
    .action(
      action(async (_args, { api, output }) => {
        const answer = await api().get<{ hookTypes: Array<{ name: string; description?: string }> }>(
          '/hook-types',
        );
        if (output.json) return printJson(output, answer);
        output.out(
          table(output, answer.hookTypes, [
            { header: 'NAME', value: (t) => t.name },
            { header: 'DESCRIPTION', value: (t) => t.description ?? '' },
          ]),
        );
      }),
    );

  types
    .command('get')
    .description('show a hook type (YAML; --json for JSON)')
    .argument('<name>')
    .action(
      action(async ([name], { api, output }) => {
        const type = await api().get(path`/hook-types/${name!}`);
        if (output.json) printJson(output, type);
        else output.out(stringify(type, { lineWidth: 0 }));
      }),
    );

  types
    .command('put')
    .description('create or replace a hook type from a YAML or JSON file')
    .argument('<name>')
    .requiredOption('-f, --file <file>', 'the hook type (.yaml, .yml or .json)')
    .action(
      action<{ file: string }>(async ([name], { api, output, options }) => {
        const text = readTextFile(options.file);
        const body = /\.json$/i.test(options.file)
          ? parseJson(text, options.file)
          : parseYamlValue(text, options.file);
        if (!body || typeof body !== 'object' || Array.isArray(body))
          throw new LocalInputError(`${options.file} must hold one hook type (a mapping)`);
        const { name: _name, ...definition } = body as Record<string, unknown>;
        const stored = await api().request('PUT', path`/hook-types/${name!}`, { body: definition });
        if (output.json) printJson(output, stored);
        else output.out(`hook type ${name} stored\n`);
      }),
    );

  types
    .command('rm')
    .description('remove a hook type (refused while hooks use it)')
    .argument('<name>')
    .action(
      action(async ([name], { api, output }) => {
        await api().request('DELETE', path`/hook-types/${name!}`);
        if (output.json) printJson(output, { removed: name });
        else output.out(`removed hook type ${name}\n`);
      }),
    );
}
