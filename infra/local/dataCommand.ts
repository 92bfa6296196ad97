import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { exportRecords, importRecords } from './dataTransfer.ts';
import { parseStoreKind } from './stores.ts';

/**
 * `hookline data export|import`: every record of a local data directory as JSON lines, offline (the
 * stack not running) — backup, restore, and moving between the SQLite and DynamoDB stores. The
 * `hookline` command loads this lazily from its own bundle (cli/build.ts), since it opens the stores.
 */
export const DATA_USAGE = `Usage: hookline data export [--data-dir DIR] [--store sqlite|dynamodb] [--dynamodb-endpoint URL] [--table NAME] > dump.jsonl
       hookline data import [--data-dir DIR] [--store sqlite|dynamodb] [--dynamodb-endpoint URL] [--table NAME] < dump.jsonl

  export  writes every record as JSON lines (default store: sqlite; DIR default .hookline)
  import  reads them into an empty store
  Keep DIR/service.key with the dump: trigger and client tokens are derived from it.
`;

export interface DataCommandIo {
  out(text: string): void;
  err(text: string): void;
  stdin(): Readable;
  env: NodeJS.ProcessEnv;
}

/** Runs `export` or `import`; answers the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runDataCommand(argv: string[], io: DataCommandIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n${DATA_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command] = positionals;
  if (values.help) {
    io.out(DATA_USAGE);
    return 0;
  }
  if ((command !== 'export' && command !== 'import') || positionals.length !== 1) {
    io.err(DATA_USAGE);
    return 2;
  }
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
      const count = await importRecords(location, io.stdin());
      io.err(`imported ${count} records into ${location.dataDir} (${location.store})\n`);
    }
    return 0;
  } catch (error) {
    io.err(`${command} failed: ${(error as Error).message}\n`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      table: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
}
