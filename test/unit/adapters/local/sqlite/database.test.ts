import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUse, openDatabase } from '../../../../../functions/adapters/local/sqlite/database.ts';
import { SCHEMA_MIGRATIONS } from '../../../../../functions/adapters/local/sqlite/schema.ts';
import { SqliteConcurrencyStore } from '../../../../../functions/adapters/local/sqlite/sqliteConcurrencyStore.ts';
import { SqliteHookTypeStore } from '../../../../../functions/adapters/local/sqlite/sqliteHookTypeStore.ts';
import { SqliteStore } from '../../../../../functions/adapters/local/sqlite/sqliteStore.ts';

/** The SQLite database itself (functions/adapters/local/sqlite/database.ts): WAL, lock, migrations, kill -9. */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function file(): string {
  const d = mkdtempSync(join(tmpdir(), 'hookline-sqlite-'));
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

  it('migration 2: a schema-1 database keeps its keys and runs, and its hooks with work are listed busy', async () => {
    const location = file();
    const raw = new Database(location);
    raw.exec(SCHEMA_MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.exec(`
      INSERT INTO run_queue VALUES ('g', 'queued', '2030-01-01T00:00:00.000Z#r1', 'r1');
      INSERT INTO semaphores VALUES ('g', 'held', 1, '{"r2":1900000000000}');
      INSERT INTO semaphores VALUES ('g', 'idle', 2, '{}');
      INSERT INTO runs VALUES ('r3', 'g', 'h', '2030-01-01T00:00:00.000Z#r3', 0, NULL,
        '{"runId":"r3","hookGroupId":"g","hookId":"h","firedBy":"triggerHook","status":"pending","result":null,"createdAt":"2030-01-01T00:00:00.000Z"}');
      INSERT INTO idempotency_keys VALUES ('g', 'h', 'k', 'r3', 4000000000);
    `);
    raw.close();
    const db = openDatabase(location);
    try {
      expect(db.connection.pragma('user_version', { simple: true })).toBe(SCHEMA_MIGRATIONS.length);
      expect(await new SqliteConcurrencyStore(db).listBusyHooks()).toEqual([
        { hookGroupId: 'g', hookId: 'held' },
        { hookGroupId: 'g', hookId: 'queued' },
      ]);
      const store = new SqliteStore(db);
      // a key recorded before fingerprints answers without one
      expect(await store.findIdempotentRun('g', 'h', 'k')).toEqual({ runId: 'r3' });
      expect((await store.listRecentRuns({}, { limit: 10 })).items.map((r) => r.runId)).toEqual(['r3']);
    } finally {
      db.close();
    }
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
