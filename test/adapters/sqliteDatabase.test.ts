import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUse, openDatabase } from '../../functions/adapters/local/sqlite/database.ts';
import { SCHEMA_MIGRATIONS } from '../../functions/adapters/local/sqlite/schema.ts';
import { SqliteHookTypeStore } from '../../functions/adapters/local/sqlite/sqliteHookTypeStore.ts';
import { tempDataDir } from '../support/stack.ts';

/** The SQLite database itself (functions/adapters/local/sqlite/database.ts): WAL, lock, migrations, kill -9. */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function file(): string {
  const d = tempDataDir('hookline-sqlite-');
  dirs.push(d);
  return join(d, 'hookline.db');
}

describe('openDatabase', () => {
  it('WAL, synchronous NORMAL, the schema at the latest version; reopening migrates nothing again', () => {
    const location = file();
    const db = openDatabase(location);
    expect(db.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.connection.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.connection.pragma('user_version', { simple: true })).toBe(SCHEMA_MIGRATIONS.length);
    db.close();
    const again = openDatabase(location);
    expect(again.connection.pragma('user_version', { simple: true })).toBe(SCHEMA_MIGRATIONS.length);
    again.close();
  });

  it('refuses a second opener while the first holds the file, and a schema newer than it knows', () => {
    const location = file();
    const db = openDatabase(location);
    expect(() => openDatabase(location)).toThrow(DatabaseInUse);
    db.close();
    const raw = new Database(location);
    raw.pragma(`user_version = ${SCHEMA_MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(location)).toThrow(/newer Hookline/);
  });

  it('a transaction writes all or nothing', async () => {
    const db = openDatabase(':memory:');
    const types = new SqliteHookTypeStore(db);
    expect(() =>
      db.transaction(() => {
        db.connection.prepare('INSERT INTO hook_types (name, record) VALUES (\'a\', \'{"name":"a"}\')').run();
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(await types.listHookTypes()).toEqual([]);
    db.close();
  });

  it('what was acknowledged survives kill -9 of the process that wrote it', async () => {
    const location = file();
    const script = `
      const { openDatabase } = await import(${JSON.stringify(join(process.cwd(), 'functions/adapters/local/sqlite/database.ts'))});
      const { SqliteHookTypeStore } = await import(${JSON.stringify(join(process.cwd(), 'functions/adapters/local/sqlite/sqliteHookTypeStore.ts'))});
      const db = openDatabase(${JSON.stringify(location)});
      const types = new SqliteHookTypeStore(db);
      for (let i = 0; i < 50; i++) await types.putHookType({ name: 'type-' + i });
      process.stdout.write('written\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('written')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the writer exited with ${code} before writing`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const db = openDatabase(location);
    const names = (await new SqliteHookTypeStore(db).listHookTypes()).map((t) => t.name);
    expect(names).toHaveLength(50);
    db.close();
  });
});
