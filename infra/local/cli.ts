import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { exportRecords, importRecords } from './dataTransfer.ts';
import { parseStoreKind } from './stores.ts';

/**
 * `npm run hookline -- <command>`: a small client for a running Hookline (local or deployed).
 * Credentials: HOOKLINE_CLIENT_ID/HOOKLINE_ACCESS_TOKEN, else `<data dir>/credentials.json` (the root
 * client the local stack wrote at first start). URL: --url, HOOKLINE_URL, else http://127.0.0.1:8080.
 */
const USAGE = `Usage: npm run hookline -- <command> [--url URL] [--data-dir DIR]

  groups                          list hook groups
  hooks <group>                   list the hooks of a group
  get <group> <hook>              show a hook
  put <group> <hook> <file.json>  create a hook (PUT; "-" reads stdin)
  update <group> <hook> <file>    update a hook (POST)
  delete <group> <hook>           remove a hook
  trigger <group> <hook> [json]   fire a hook with a JSON payload (default {}); prints the run id
  run <runId>                     show a run's status and steps
  wait <runId>                    wait until the run finishes; exit 0 if it succeeded (with warnings), 1 otherwise
  output <runId> <step>           print a step's kept stdout and stderr
  cancel <runId>                  cancel a run
  runs <group> <hook>             the hook's runs, newest first
  status <group> <hook>           last fire and next scheduled time

Offline, on a data directory whose stack is not running (backup, restore, moving between stores):
  export [--store sqlite|dynamodb] [--dynamodb-endpoint URL] [--table NAME] > dump.jsonl
                                  every record as JSON lines (default store: sqlite)
  import [--store sqlite|dynamodb] [--dynamodb-endpoint URL] [--table NAME] < dump.jsonl
                                  into an empty store
  Keep DIR/service.key with the dump: trigger and client tokens are derived from it.
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  stdin(): string;
  env: NodeJS.ProcessEnv;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      table: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    io.out(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command === 'export' || command === 'import') {
    try {
      const dynamodbEndpoint = values['dynamodb-endpoint'] ?? io.env.HOOKLINE_DYNAMODB_ENDPOINT;
      const location = {
        store: parseStoreKind(
          values.store ?? io.env.HOOKLINE_STORE ?? (dynamodbEndpoint ? 'dynamodb' : 'sqlite'),
        ),
        dataDir: resolve(values['data-dir'] ?? io.env.HOOKLINE_DATA_DIR ?? '.hookline'),
        dynamodbEndpoint,
        tableName: values.table ?? io.env.HOOKLINE_TABLE,
      };
      if (command === 'export') {
        const count = await exportRecords(location, (line) => io.out(line));
        io.err(`exported ${count} records from ${location.dataDir} (${location.store})\n`);
      } else {
        const count = await importRecords(location, Readable.from([io.stdin()]));
        io.err(`imported ${count} records into ${location.dataDir} (${location.store})\n`);
      }
      return 0;
    } catch (error) {
      io.err(`${command} failed: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const baseUrl = (values.url ?? io.env.HOOKLINE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  let authorization: string;
  try {
    authorization = credentialsHeader(io.env, values['data-dir'] ?? io.env.HOOKLINE_DATA_DIR ?? '.hookline');
  } catch (error) {
    io.err(`${(error as Error).message}\n`);
    return 2;
  }
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/hooks/v1${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok)
      throw new CliError(`${res.status} ${String(parsed.code ?? '')}: ${String(parsed.message ?? text)}`);
    return parsed;
  };
  const need = (n: number) => {
    if (args.length < n) throw new CliError(`"${command}" needs ${n} argument(s)\n\n${USAGE}`);
    return args.map(encodeURIComponent);
  };
  const print = (value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`);
  const readJson = (file: string) =>
    JSON.parse(file === '-' ? io.stdin() : readFileSync(file, 'utf8')) as unknown;

  try {
    switch (command) {
      case 'groups':
        print(await call('GET', '/hooks'));
        return 0;
      case 'hooks':
        print(await call('GET', `/hooks/${need(1)[0]}`));
        return 0;
      case 'get': {
        const [g, h] = need(2);
        print(await call('GET', `/hooks/${g}/${h}`));
        return 0;
      }
      case 'put':
      case 'update': {
        const [g, h] = need(3);
        print(await call(command === 'put' ? 'PUT' : 'POST', `/hooks/${g}/${h}`, readJson(args[2]!)));
        return 0;
      }
      case 'delete': {
        const [g, h] = need(2);
        await call('DELETE', `/hooks/${g}/${h}`);
        return 0;
      }
      case 'trigger': {
        const [g, h] = need(2);
        const payload =
          args[2] === undefined ? {} : args[2] === '-' ? JSON.parse(io.stdin()) : JSON.parse(args[2]);
        const fired = await call('POST', `/hooks/${g}/${h}/trigger`, payload);
        io.out(`${fired.runId ?? '(declined: the template rendered null)'}\n`);
        return 0;
      }
      case 'run':
        print(await call('GET', `/runs/${need(1)[0]}`));
        return 0;
      case 'wait': {
        const [runId] = need(1);
        for (;;) {
          const run = await call('GET', `/runs/${runId}`);
          if (run.status === 'finished') {
            print(run);
            return run.result === 'succeeded' || run.result === 'succeeded_with_warnings' ? 0 : 1;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      case 'output': {
        const [runId, step] = need(2);
        const output = await call('GET', `/runs/${runId}/steps/${step}/output`);
        io.out(String(output.stdout ?? output.body ?? ''));
        if (output.stderr) io.err(String(output.stderr));
        return 0;
      }
      case 'cancel':
        print(await call('POST', `/runs/${need(1)[0]}/cancel`));
        return 0;
      case 'runs': {
        const [g, h] = need(2);
        print(await call('GET', `/hooks/${g}/${h}/runs`));
        return 0;
      }
      case 'status': {
        const [g, h] = need(2);
        print(await call('GET', `/hooks/${g}/${h}/status`));
        return 0;
      }
      default:
        io.err(`unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    io.err(
      `${error instanceof CliError ? error.message : `cannot reach ${baseUrl}: ${(error as Error).message}`}\n`,
    );
    return 1;
  }
}

class CliError extends Error {}

function credentialsHeader(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.HOOKLINE_CLIENT_ID && env.HOOKLINE_ACCESS_TOKEN) {
    return `Bearer ${env.HOOKLINE_CLIENT_ID}:${env.HOOKLINE_ACCESS_TOKEN}`;
  }
  const file = join(resolve(dataDir), 'credentials.json');
  let credentials: { clientId?: string; accessToken?: string };
  try {
    credentials = JSON.parse(readFileSync(file, 'utf8')) as typeof credentials;
  } catch {
    throw new Error(
      `no credentials: set HOOKLINE_CLIENT_ID and HOOKLINE_ACCESS_TOKEN, or start the local stack once so ${file} exists`,
    );
  }
  if (!credentials.clientId || !credentials.accessToken)
    throw new Error(`${file} has no clientId/accessToken`);
  return `Bearer ${credentials.clientId}:${credentials.accessToken}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const code = await runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stdin: () => readFileSync(0, 'utf8'),
    env: process.env,
  });
  process.exit(code);
}
