import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_MIGRATIONS } from './schema.ts';

/**
 * The embedded store's one SQLite database (better-sqlite3, synchronous): `<dataDir>/hookline.db`, or
 * `:memory:` for a stack with no data directory and for unit tests.
 *
 * Durability (README.md "Storage"): WAL journal with `synchronous = NORMAL`. Every commit is appended
 * to the WAL with write(2) before the call returns, so once a write is acknowledged it is in the
 * operating system's page cache and survives `kill -9` of the process (or any crash of it); the WAL is
 * fsynced at each checkpoint, so the file is never corrupt, even after a power cut. What NORMAL does not
 * give is durability across a power loss or an OS crash for the last commits before it: those may roll
 * back (as a unit: a transaction is never half there). FULL would fsync on every commit — a disk flush
 * per store write, milliseconds each, several per step — for a guarantee a local service on a laptop
 * or CI box does not need; the cloud stores in DynamoDB.
 *
 * The file is held with `locking_mode = EXCLUSIVE`: while a stack has it open no other process can open
 * it (a second stack on the same data directory, or `hookline export`/`import` against a running stack,
 * is refused at once with a message naming the file), the way dynalite's LevelDB lock behaved.
 */
export const DATABASE_FILE = 'hookline.db';

export interface SqliteDatabase {
  readonly connection: Database.Database;
  /** The file, or `:memory:`. */
  readonly location: string;
  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE): everything it writes is committed together
   * or not at all. Nested calls join the outer transaction (a savepoint).
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Thrown when another process holds the database (a running stack). */
export class DatabaseInUse extends Error {
  constructor(location: string) {
    super(
      `${location} is in use by another process (a running Hookline on this data directory?); stop it first`,
    );
    this.name = 'DatabaseInUse';
  }
}

/** Opens (creating if need be) the database at `location` and brings its schema up to date. */
export function openDatabase(location: string): SqliteDatabase {
  const inMemory = location === ':memory:';
  if (!inMemory) mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
  const connection = new Database(location, { timeout: 1000 });
  try {
    if (!inMemory) {
      // Before the first access: an exclusive WAL database keeps its index in heap memory (no -shm file).
      connection.pragma('locking_mode = EXCLUSIVE');
      connection.pragma('journal_mode = WAL');
    }
    connection.pragma('synchronous = NORMAL');
    migrate(connection);
    // Take the exclusive lock now (a write transaction), not at the first write, so a second opener fails here.
    connection.exec('BEGIN IMMEDIATE; COMMIT;');
  } catch (error) {
    connection.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DatabaseInUse(location);
    throw error;
  }
  return {
    connection,
    location,
    transaction: <T>(fn: () => T): T => connection.transaction(fn).immediate(),
    close: () => {
      if (connection.open) connection.close();
    },
  };
}

/**
 * Applies the migrations past the database's `PRAGMA user_version`, each in its own transaction with
 * the version bump, so a crash mid-migration leaves the previous version intact.
 */
function migrate(connection: Database.Database): void {
  const current = connection.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_MIGRATIONS.length) {
    throw new Error(
      `the database was written by a newer Hookline (schema version ${current}; this one knows ${SCHEMA_MIGRATIONS.length})`,
    );
  }
  for (let version = current; version < SCHEMA_MIGRATIONS.length; version++) {
    connection
      .transaction(() => {
        connection.exec(SCHEMA_MIGRATIONS[version]!);
        connection.pragma(`user_version = ${version + 1}`);
      })
      .immediate();
  }
}
