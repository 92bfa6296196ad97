import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEYS } from '../aws/tableLayout.ts';

/**
 * An embedded DynamoDB (dynalite) on loopback, its data on disk under `path` (in memory without
 * one). The DynamoDB store talks to it through the real AWS SDK client.
 */
export interface DynaliteHandle {
  endpoint: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

export async function startDynalite(path: string | undefined): Promise<DynaliteHandle> {
  if (path) mkdirSync(path, { recursive: true });
  const server: Server = dynalite({
    path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      server.closeAllConnections?.();
      // dynalite's close also closes its LevelDB, so the data is flushed to disk.
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates the one table (same keys as the cloud's) if it does not exist. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (
      !(error instanceof ResourceNotFoundException) &&
      (error as Error).name !== 'ResourceNotFoundException'
    )
      throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.indexPartitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.indexSortKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.runsIndexPartitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.runsIndexSortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE_KEYS.index,
          KeySchema: [
            { AttributeName: TABLE_KEYS.indexPartitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.indexSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: TABLE_KEYS.runsIndex,
          KeySchema: [
            { AttributeName: TABLE_KEYS.runsIndexPartitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.runsIndexSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  for (let i = 0; i < 50; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
