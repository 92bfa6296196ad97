import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpirySweeper } from '../../functions/adapters/local/expirySweeper.ts';
import { DATABASE_FILE, openDatabase } from '../../functions/adapters/local/sqlite/database.ts';
import { SqliteArchive } from '../../functions/adapters/local/sqlite/sqliteArchive.ts';
import { SqliteClientStore } from '../../functions/adapters/local/sqlite/sqliteClientStore.ts';
import { SqliteConcurrencyStore } from '../../functions/adapters/local/sqlite/sqliteConcurrencyStore.ts';
import { SqliteEventOutbox } from '../../functions/adapters/local/sqlite/sqliteEventOutbox.ts';
import { SqliteExpirySweeper } from '../../functions/adapters/local/sqlite/sqliteExpirySweeper.ts';
import { SqliteHookTypeStore } from '../../functions/adapters/local/sqlite/sqliteHookTypeStore.ts';
import { SqliteStore } from '../../functions/adapters/local/sqlite/sqliteStore.ts';
import type { ClientStore } from '../../functions/ports/clientStore.ts';
import type { Clock } from '../../functions/ports/clock.ts';
import type { ConcurrencyStore } from '../../functions/ports/concurrencyStore.ts';
import type { EventOutbox } from '../../functions/ports/eventOutbox.ts';
import type { HookTypeStore } from '../../functions/ports/hookTypeStore.ts';
import type { RecordArchive } from '../../functions/ports/recordArchive.ts';
import type { Store } from '../../functions/ports/store.ts';

/**
 * The local stack's storage, either kind behind the same ports (README.md "Storage"):
 * - `sqlite` (default): the embedded SQLite database `<dataDir>/hookline.db`, or `:memory:` without a
 *   data directory;
 * - `dynamodb`: the DynamoDB adapters the cloud runs, against embedded dynalite (`<dataDir>/dynamodb`,
 *   or in memory) or, with `dynamodbEndpoint`, any DynamoDB-compatible endpoint (DynamoDB Local, or
 *   DynamoDB itself with credentials and region from the usual AWS chain).
 */
export const STORE_KINDS = ['sqlite', 'dynamodb'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** The table the local stack uses unless told otherwise. */
export const DEFAULT_TABLE_NAME = 'hookline';
/** Where dynalite keeps its data under the data directory. */
export const DYNALITE_DIRECTORY = 'dynamodb';

export interface StoreOptions {
  store?: StoreKind;
  /** `null`: nothing on disk (SQLite `:memory:`, dynalite in memory). */
  dataDir: string | null;
  /** With `store: 'dynamodb'`: a DynamoDB-compatible endpoint instead of embedded dynalite. */
  dynamodbEndpoint?: string;
  /** With `store: 'dynamodb'`: the table (created with the cloud table's keys if missing). Default `hookline`. */
  tableName?: string;
  clock: Clock;
  /**
   * Opens SQLite in a data directory that holds only an older dynalite database (an import into it);
   * otherwise that is refused with the way to bring the data over.
   */
  allowDynaliteData?: boolean;
}

export interface Stores {
  kind: StoreKind;
  /** Where the data is, for logs: the database file, the dynalite directory, or the endpoint and table. */
  location: string;
  store: Store;
  clients: ClientStore;
  concurrency: ConcurrencyStore;
  hookTypes: HookTypeStore;
  /** The local EventBridge endpoint's outbox (infra/local/localStack.ts). */
  outbox: EventOutbox;
  sweeper: ExpirySweeper;
  archive: RecordArchive;
  close(): Promise<void>;
}

/** Thrown when a data directory written by an earlier, dynalite-backed Hookline is opened with SQLite. */
export class DynaliteDataDirectory extends Error {
  constructor(dataDir: string) {
    super(
      `${dataDir} holds a DynamoDB (dynalite) database from an earlier Hookline and no ${DATABASE_FILE}: ` +
        `either start with --store dynamodb to keep using it, or bring it over to SQLite ` +
        `(the stack stopped; service.key stays where it is, and must, since tokens are derived from it):\n` +
        `  hookline data export --data-dir ${dataDir} --store dynamodb > hookline-dump.jsonl\n` +
        `  hookline data import --data-dir ${dataDir} < hookline-dump.jsonl`,
    );
    this.name = 'DynaliteDataDirectory';
  }
}

export function parseStoreKind(value: string): StoreKind {
  if ((STORE_KINDS as readonly string[]).includes(value)) return value as StoreKind;
  throw new Error(`unknown store "${value.slice(0, 40)}": use ${STORE_KINDS.join(' or ')}`);
}

export async function openStores(options: StoreOptions): Promise<Stores> {
  const kind = parseStoreKind(options.store ?? 'sqlite'); // embedders pass plain strings too
  if (kind === 'sqlite') {
    if (options.dynamodbEndpoint) throw new Error('--dynamodb-endpoint goes with --store dynamodb');
    return openSqlite(options);
  }
  return openDynamo(options);
}

function openSqlite(options: StoreOptions): Stores {
  const { dataDir, clock } = options;
  if (
    dataDir &&
    !options.allowDynaliteData &&
    existsSync(join(dataDir, DYNALITE_DIRECTORY)) &&
    !existsSync(join(dataDir, DATABASE_FILE))
  ) {
    throw new DynaliteDataDirectory(dataDir);
  }
  const database = openDatabase(dataDir ? join(dataDir, DATABASE_FILE) : ':memory:');
  return {
    kind: 'sqlite',
    location: database.location,
    store: new SqliteStore(database, { clock }),
    clients: new SqliteClientStore(database, { clock }),
    concurrency: new SqliteConcurrencyStore(database),
    hookTypes: new SqliteHookTypeStore(database),
    outbox: new SqliteEventOutbox(database),
    sweeper: new SqliteExpirySweeper(database, () => clock.now()),
    archive: new SqliteArchive(database),
    close: async () => database.close(),
  };
}

async function openDynamo(options: StoreOptions): Promise<Stores> {
  const { dataDir, clock } = options;
  // Loaded only for this store: a SQLite stack never loads the AWS SDK's DynamoDB client or dynalite.
  const [
    { DynamoDBClient },
    { DynamoArchive },
    { DynamoClientStore },
    { DynamoConcurrencyStore },
    { DynamoEventOutbox },
    { DynamoHookTypeStore },
    { DynamoStore },
    { ensureTable, startDynalite },
    { TtlSweeper },
  ] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../../functions/adapters/aws/dynamoArchive.ts'),
    import('../../functions/adapters/aws/dynamoClientStore.ts'),
    import('../../functions/adapters/aws/dynamoConcurrencyStore.ts'),
    import('../../functions/adapters/aws/dynamoEventOutbox.ts'),
    import('../../functions/adapters/aws/dynamoHookTypeStore.ts'),
    import('../../functions/adapters/aws/dynamoStore.ts'),
    import('../../functions/adapters/local/dynaliteServer.ts'),
    import('../../functions/adapters/local/ttlSweeper.ts'),
  ]);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const dynalite = options.dynamodbEndpoint
    ? undefined
    : await startDynalite(dataDir ? join(dataDir, DYNALITE_DIRECTORY) : undefined);
  // Against an endpoint the region and credentials come from the usual AWS chain (environment, profile).
  const client = dynalite?.client ?? new DynamoDBClient({ endpoint: options.dynamodbEndpoint });
  try {
    await ensureTable(client, tableName);
  } catch (error) {
    if (dynalite) await dynalite.close();
    else client.destroy();
    throw error;
  }
  return {
    kind: 'dynamodb',
    location: options.dynamodbEndpoint
      ? `${options.dynamodbEndpoint} table ${tableName}`
      : dataDir
        ? join(dataDir, DYNALITE_DIRECTORY)
        : 'dynalite in memory',
    store: new DynamoStore({ tableName, client, clock }),
    clients: new DynamoClientStore({ tableName, client, clock }),
    concurrency: new DynamoConcurrencyStore(tableName, client),
    hookTypes: new DynamoHookTypeStore(tableName, client),
    outbox: new DynamoEventOutbox(tableName, client),
    sweeper: new TtlSweeper(client, tableName, () => clock.now()),
    archive: new DynamoArchive(tableName, client),
    close: async () => {
      if (dynalite) await dynalite.close();
      else client.destroy();
    },
  };
}
