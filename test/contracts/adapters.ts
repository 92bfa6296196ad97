import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoClientStore } from '../../functions/adapters/aws/dynamoClientStore.ts';
import { DynamoConcurrencyStore } from '../../functions/adapters/aws/dynamoConcurrencyStore.ts';
import { DynamoEventOutbox } from '../../functions/adapters/aws/dynamoEventOutbox.ts';
import { DynamoHookTypeStore } from '../../functions/adapters/aws/dynamoHookTypeStore.ts';
import { DynamoStore } from '../../functions/adapters/aws/dynamoStore.ts';
import type { Clock } from '../../functions/ports/clock.ts';
import { openStores, type Stores } from '../../infra/local/stores.ts';

/**
 * The adapters every contract suite runs against: SQLite on a file, SQLite in memory, the DynamoDB
 * adapters on dynalite, and real DynamoDB when HOOKLINE_CONTRACT_DYNAMODB_TABLE names a table and the
 * usual AWS chain finds credentials. Each suite opens its own store with an injected clock.
 */
export interface ContractAdapter {
  name: string;
  /** Why the adapter is skipped here, if it is. */
  skip?: string;
  /** A shared, non-empty table: tests there use unique ids and no whole-table assertion. */
  shared: boolean;
  open(
    clock: Clock,
  ): Promise<Omit<Stores, 'sweeper' | 'archive'> & Partial<Pick<Stores, 'sweeper' | 'archive'>>>;
}

/** A clock the tests move by hand. */
export function manualClock(start = Date.parse('2030-01-01T00:00:00.000Z')) {
  let now = start;
  return {
    now: () => new Date(now),
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    seconds: () => Math.floor(now / 1000),
  };
}

const realTable = process.env.HOOKLINE_CONTRACT_DYNAMODB_TABLE;

async function realDynamoSkipReason(): Promise<string | undefined> {
  if (!realTable)
    return 'HOOKLINE_CONTRACT_DYNAMODB_TABLE is not set (the name of a table with pk/sk and gsi1)';
  const client = new DynamoDBClient({});
  try {
    await client.config.credentials();
    await client.config.region();
    return undefined;
  } catch (error) {
    return `no AWS credentials or region from the default chain (${(error as Error).message.slice(0, 120)})`;
  } finally {
    client.destroy();
  }
}

const realSkip = await realDynamoSkipReason();

export const CONTRACT_ADAPTERS: ContractAdapter[] = [
  {
    name: 'SQLite file',
    shared: false,
    open: async (clock) => {
      const dir = mkdtempSync(join(tmpdir(), 'hookline-contract-'));
      const stores = await openStores({ store: 'sqlite', dataDir: dir, clock });
      return {
        ...stores,
        close: async () => {
          await stores.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'SQLite :memory:',
    shared: false,
    open: (clock) => openStores({ store: 'sqlite', dataDir: null, clock }),
  },
  {
    name: 'DynamoDB on dynalite',
    shared: false,
    open: (clock) => openStores({ store: 'dynamodb', dataDir: null, clock }),
  },
  {
    name: 'DynamoDB',
    shared: true,
    skip: realSkip,
    open: async (clock) => {
      const client = new DynamoDBClient({});
      const tableName = realTable!;
      return {
        kind: 'dynamodb',
        location: `DynamoDB table ${tableName}`,
        store: new DynamoStore({ tableName, client, clock }),
        clients: new DynamoClientStore({ tableName, client, clock }),
        concurrency: new DynamoConcurrencyStore(tableName, client),
        hookTypes: new DynamoHookTypeStore(tableName, client),
        outbox: new DynamoEventOutbox(tableName, client),
        close: async () => client.destroy(),
      };
    },
  },
];

/** A unique id for one test's records (the real table is shared and never emptied). */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
