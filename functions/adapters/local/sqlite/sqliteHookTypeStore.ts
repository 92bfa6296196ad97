import type { HookType } from '../../../core/hookType.ts';
import type { HookTypeStore } from '../../../ports/hookTypeStore.ts';
import type { SqliteDatabase } from './database.ts';
import { fromDocument, toDocument } from './documents.ts';

/** Hook types on the embedded SQLite database, by name (functions/adapters/aws/dynamoHookTypeStore.ts). */
export class SqliteHookTypeStore implements HookTypeStore {
  private readonly sql;

  constructor(database: SqliteDatabase) {
    const db = database.connection;
    this.sql = {
      get: db.prepare<[string], { record: string }>('SELECT record FROM hook_types WHERE name = ?'),
      put: db.prepare<[string, string]>('INSERT OR REPLACE INTO hook_types (name, record) VALUES (?, ?)'),
      delete: db.prepare<[string]>('DELETE FROM hook_types WHERE name = ?'),
      list: db.prepare<[], { record: string }>('SELECT record FROM hook_types ORDER BY name'),
    };
  }

  async getHookType(name: string): Promise<HookType | undefined> {
    const row = this.sql.get.get(name);
    return row && fromDocument<HookType>(row.record);
  }

  async putHookType(type: HookType): Promise<void> {
    this.sql.put.run(type.name, toDocument(type));
  }

  async deleteHookType(name: string): Promise<void> {
    this.sql.delete.run(name);
  }

  async listHookTypes(): Promise<HookType[]> {
    return this.sql.list.all().map((row) => fromDocument<HookType>(row.record));
  }
}
