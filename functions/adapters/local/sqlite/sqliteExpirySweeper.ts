import type { ExpirySweeper } from '../expirySweeper.ts';
import type { SqliteDatabase } from './database.ts';
import { EXPIRING_TABLES } from './schema.ts';

const BATCH = 500;

/**
 * Deletes expired records from the SQLite database (DynamoDB TTL's rule: `expiresAt` < now, in epoch
 * seconds), a batch at a time per table so a large backlog never holds the process for long.
 */
export class SqliteExpirySweeper implements ExpirySweeper {
  private readonly batches;

  constructor(
    database: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.batches = EXPIRING_TABLES.map(({ table, key }) => {
      const columns = key.join(', ');
      return database.connection.prepare<[number, number]>(
        `DELETE FROM ${table} WHERE (${columns}) IN
           (SELECT ${columns} FROM ${table} WHERE expires_at < ? LIMIT ?)`,
      );
    });
  }

  async sweep(): Promise<number> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    let deleted = 0;
    for (const batch of this.batches) {
      for (;;) {
        const { changes } = batch.run(nowSeconds, BATCH);
        deleted += changes;
        if (changes < BATCH) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return deleted;
  }
}
