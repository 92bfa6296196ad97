import type { Command } from 'commander';
import { path } from '../apiClient.ts';
import { action } from '../context.ts';
import { UsageError } from '../errors.ts';
import { formatTime, paint, printJson, table } from '../output.ts';

/** API clients (`/clients`): who may call the API, with which scopes. */
interface ClientView {
  clientId: string;
  description?: string;
  expires?: string;
  scopes: string[];
  disabled?: boolean;
  lastDateUsed?: string;
  accessToken?: string;
}

function showClient(output: Parameters<typeof printJson>[0], client: ClientView): void {
  if (output.json) {
    printJson(output, client);
    return;
  }
  output.out(
    `client      ${client.clientId}${client.disabled ? ` ${paint(output, 'red', '(disabled)')}` : ''}\n`,
  );
  if (client.description) output.out(`description ${client.description}\n`);
  if (client.expires) output.out(`expires     ${formatTime(client.expires)}\n`);
  if (client.lastDateUsed) output.out(`last used   ${formatTime(client.lastDateUsed)}\n`);
  output.out(`scopes      ${client.scopes.length ? client.scopes.join('\n            ') : '(none)'}\n`);
  if (client.accessToken)
    output.out(
      `accessToken ${client.accessToken}\n${paint(output, 'yellow', 'the access token is shown only now: keep it safe')}\n`,
    );
}

function clientBody(options: { description?: string; expires?: string; scope?: string[] }) {
  if (options.expires !== undefined && !/^\d{4}-\d\d-\d\dT/.test(options.expires))
    throw new UsageError(
      `--expires must be an ISO time such as 2027-01-01T00:00:00Z, not "${options.expires}"`,
    );
  return {
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.expires !== undefined ? { expires: options.expires } : {}),
    ...(options.scope !== undefined ? { scopes: options.scope } : {}),
  };
}

export function registerClientCommands(program: Command): void {
  const clients = program.command('clients').description('API clients and their scopes');

  clients
    .command('ls')
    .description('list clients')
    .option('--prefix <prefix>', 'only client ids starting with this')
    .option('--continuation-token <token>', 'the next page')
    .action(
      action<{ prefix?: string; continuationToken?: string }>(async (_args, { api, output, options }) => {
        const page = await api().get<{ clients: ClientView[]; continuationToken?: string }>('/clients', {
          prefix: options.prefix,
          continuationToken: options.continuationToken,
        });
        if (output.json) return printJson(output, page);
        output.out(
          table(output, page.clients, [
            { header: 'CLIENT', value: (c) => c.clientId },
            {
              header: 'STATE',
              value: (c) => (c.disabled ? 'disabled' : 'enabled'),
              colour: (c) => (c.disabled ? 'red' : undefined),
            },
            { header: 'SCOPES', value: (c) => c.scopes.join(' ') },
            { header: 'EXPIRES', value: (c) => formatTime(c.expires) },
            { header: 'DESCRIPTION', value: (c) => c.description ?? '' },
          ]),
        );
        if (page.continuationToken) output.err(`more: --continuation-token ${page.continuationToken}\n`);
      }),
    );

  clients
    .command('get')
    .description('show a client')
    .argument('<client>')
    .action(
      action(async ([id], { api, output }) =>
        showClient(output, await api().get<ClientView>(path`/clients/${id!}`)),
      ),
    );

  for (const [name, method, description] of [
    ['create', 'PUT', 'create a client (prints its access token, once)'],
    ['update', 'POST', "change a client's description, expiry or scopes"],
  ] as const) {
    clients
      .command(name)
      .description(description)
      .argument('<client>')
      .option('--scope <scope...>', 'its scopes (repeat or list; a client may only give scopes it holds)')
      .option('--description <text>')
      .option('--expires <time>', 'ISO time it stops working')
      .action(
        action<{ description?: string; expires?: string; scope?: string[] }>(
          async ([id], { api, output, options }) =>
            showClient(
              output,
              await api().request<ClientView>(method, path`/clients/${id!}`, { body: clientBody(options) }),
            ),
        ),
      );
  }

  clients
    .command('reset')
    .description("replace a client's access token (prints the new one, once)")
    .argument('<client>')
    .action(
      action(async ([id], { api, output }) =>
        showClient(output, await api().request<ClientView>('POST', path`/clients/${id!}/reset`)),
      ),
    );

  for (const verb of ['enable', 'disable'] as const) {
    clients
      .command(verb)
      .description(`${verb} a client`)
      .argument('<client>')
      .action(
        action(async ([id], { api, output }) =>
          showClient(output, await api().request<ClientView>('POST', path`/clients/${id!}/${verb}`)),
        ),
      );
  }

  clients
    .command('rm')
    .description('delete a client')
    .argument('<client>')
    .action(
      action(async ([id], { api, output }) => {
        await api().request('DELETE', path`/clients/${id!}`);
        if (output.json) printJson(output, { removed: id });
        else output.out(`removed client ${id}\n`);
      }),
    );

  clients
    .command('history')
    .description("a client's change history")
    .argument('<client>')
    .action(
      action(async ([id], { api, output }) => {
        const page = await api().get<{
          history: Array<{ time: string; action: string; by?: string; changes?: Record<string, unknown> }>;
        }>(path`/clients/${id!}/history`);
        if (output.json) return printJson(output, page);
        output.out(
          table(output, page.history, [
            { header: 'TIME', value: (r) => formatTime(r.time) },
            { header: 'ACTION', value: (r) => r.action },
            { header: 'BY', value: (r) => r.by ?? '' },
            { header: 'CHANGED', value: (r) => Object.keys(r.changes ?? {}).join(', ') },
          ]),
        );
      }),
    );
}
