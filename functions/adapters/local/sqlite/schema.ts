/**
 * The SQLite store's schema, as migrations: entry N brings a database at `user_version` N to N + 1
 * (functions/adapters/local/sqlite/database.ts applies them). Never edit an entry once released:
 * append one.
 *
 * One table per kind of record. Each record is its port's object as JSON (`record`), next to the
 * columns its queries need; every query has an index (the primary key or one below). Sort keys
 * (`sk`) are the DynamoDB table's (functions/adapters/aws/tableLayout.ts), so listings come back in
 * the same order and continuation tokens are the same in both stores. `expires_at` (epoch seconds) is
 * DynamoDB's TTL attribute: a record past it is deleted by the expiry sweeper.
 */
export const SCHEMA_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE hooks (
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (hook_group_id, hook_id)
  ) WITHOUT ROWID;

  CREATE TABLE fires (
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    sk TEXT NOT NULL,
    expires_at INTEGER,
    record TEXT NOT NULL,
    PRIMARY KEY (hook_group_id, hook_id, sk)
  ) WITHOUT ROWID;
  CREATE INDEX fires_expiry ON fires (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE runs (
    run_id TEXT NOT NULL PRIMARY KEY,
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    sk TEXT NOT NULL,
    finished INTEGER NOT NULL,
    expires_at INTEGER,
    record TEXT NOT NULL
  );
  CREATE INDEX runs_of_hook ON runs (hook_group_id, hook_id, sk);
  CREATE INDEX runs_unfinished ON runs (run_id) WHERE finished = 0;
  CREATE INDEX runs_expiry ON runs (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE steps (
    run_id TEXT NOT NULL,
    step_index INTEGER NOT NULL,
    expires_at INTEGER,
    record TEXT NOT NULL,
    PRIMARY KEY (run_id, step_index)
  ) WITHOUT ROWID;
  CREATE INDEX steps_expiry ON steps (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE step_outputs (
    run_id TEXT NOT NULL,
    step_index INTEGER NOT NULL,
    expires_at INTEGER,
    record TEXT NOT NULL,
    PRIMARY KEY (run_id, step_index)
  ) WITHOUT ROWID;
  CREATE INDEX step_outputs_expiry ON step_outputs (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE idempotency_keys (
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    key TEXT NOT NULL,
    run_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (hook_group_id, hook_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

  CREATE TABLE hook_audit (
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    sk TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (hook_group_id, hook_id, sk)
  ) WITHOUT ROWID;

  CREATE TABLE clients (
    client_id TEXT NOT NULL PRIMARY KEY,
    record TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE client_audit (
    client_id TEXT NOT NULL,
    sk TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (client_id, sk)
  ) WITHOUT ROWID;

  CREATE TABLE hawk_nonces (
    client_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, nonce)
  ) WITHOUT ROWID;
  CREATE INDEX hawk_nonces_expiry ON hawk_nonces (expires_at);

  CREATE TABLE semaphores (
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    holders TEXT NOT NULL,
    PRIMARY KEY (hook_group_id, hook_id)
  ) WITHOUT ROWID;

  CREATE TABLE run_queue (
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    position TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (hook_group_id, hook_id, position)
  ) WITHOUT ROWID;

  CREATE TABLE hook_types (
    name TEXT NOT NULL PRIMARY KEY,
    record TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: Idempotency-Key fingerprints (core/payloadFingerprint.ts), GET /runs across hooks
  // (Store.listRecentRuns, newest first by `createdAt#runId`), the busy-hook index
  // (ConcurrencyStore.listBusyHooks: marked by enqueue and by a semaphore write with holders, so hooks
  // with work now are marked here too), and the local EventBridge endpoint's outbox (ports/eventOutbox.ts).
  `
  ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT;

  CREATE INDEX runs_recent ON runs (sk);

  CREATE TABLE busy_hooks (
    hook_group_id TEXT NOT NULL,
    hook_id TEXT NOT NULL,
    PRIMARY KEY (hook_group_id, hook_id)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO busy_hooks (hook_group_id, hook_id)
    SELECT hook_group_id, hook_id FROM run_queue
    UNION SELECT hook_group_id, hook_id FROM semaphores WHERE holders <> '{}';

  CREATE TABLE event_outbox (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL
  );
  `,
];

/** The tables whose records expire (an `expires_at` column), with their primary keys, for the expiry sweeper. */
export const EXPIRING_TABLES: ReadonlyArray<{ table: string; key: readonly string[] }> = [
  { table: 'fires', key: ['hook_group_id', 'hook_id', 'sk'] },
  { table: 'runs', key: ['run_id'] },
  { table: 'steps', key: ['run_id', 'step_index'] },
  { table: 'step_outputs', key: ['run_id', 'step_index'] },
  { table: 'idempotency_keys', key: ['hook_group_id', 'hook_id', 'key'] },
  { table: 'hawk_nonces', key: ['client_id', 'nonce'] },
];
