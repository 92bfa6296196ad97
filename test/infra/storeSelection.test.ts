import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startDynalite } from '../../functions/adapters/local/dynaliteServer.ts';
import { openStores } from '../../infra/local/stores.ts';
import { hookBody, startTestStack, tempDataDir } from '../support/stack.ts';

/** Which store the local stack runs on (infra/local/stores.ts): SQLite by default, DynamoDB on request. */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('store selection', () => {
  it('SQLite by default: <dataDir>/hookline.db, and no dynalite at all', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const stack = await startTestStack({ dataDir, store: undefined });
    try {
      expect(stack.storage).toMatchObject({ kind: 'sqlite', location: join(dataDir, 'hookline.db') });
      expect(existsSync(join(dataDir, 'hookline.db'))).toBe(true);
      expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
    } finally {
      await stack.cleanup();
    }
    const memory = await startTestStack({ dataDir: null, store: 'sqlite' });
    expect(memory.storage.location).toBe(':memory:');
    await memory.cleanup();
  });

  it('--dynamodb-endpoint: the DynamoDB adapters against a DynamoDB-compatible endpoint and table', async () => {
    // dynalite on its own port stands in for DynamoDB Local; credentials and region from the environment
    const endpoint = await startDynalite(undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_REGION', 'local');
    try {
      const stack = await startTestStack({
        dataDir: null,
        store: 'dynamodb',
        dynamodbEndpoint: endpoint.endpoint,
        tableName: 'my-hookline',
      });
      try {
        expect(stack.storage).toMatchObject({
          kind: 'dynamodb',
          location: `${endpoint.endpoint} table my-hookline`,
        });
        const put = await stack.api(
          'PUT',
          '/hooks/remote/one',
          hookBody({ task: { name: 't', command: ['true'] } }),
        );
        expect(put.status).toBe(200);
      } finally {
        await stack.cleanup();
      }
      const stores = await openStores({
        store: 'dynamodb',
        dataDir: null,
        dynamodbEndpoint: endpoint.endpoint,
        tableName: 'my-hookline',
        clock: { now: () => new Date() },
      });
      expect((await stores.store.getHook('remote', 'one'))?.definition.hookId).toBe('one');
      await stores.close();
    } finally {
      await endpoint.close();
    }
  });

  it('refuses an endpoint with the SQLite store, and an unknown store', async () => {
    await expect(
      openStores({
        store: 'sqlite',
        dataDir: null,
        dynamodbEndpoint: 'http://x',
        clock: { now: () => new Date() },
      }),
    ).rejects.toThrow(/--store dynamodb/);
    await expect(startTestStack({ dataDir: null, store: 'mongo' as never })).rejects.toThrow(
      /unknown store "mongo": use sqlite or dynamodb/,
    );
  });
});
