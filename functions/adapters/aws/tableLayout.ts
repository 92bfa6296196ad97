/**
 * The one table's keys (ARCHITECTURE.md, "Local and cloud adapters"). The CDK construct and the local stack create the table
 * from these names, and the DynamoDB store reads and writes items with them.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  index: 'gsi1',
  indexPartitionKey: 'gsi1pk',
  indexSortKey: 'gsi1sk',
  /** All runs in creation order (GET /runs): a sparse index only run items carry keys of. */
  runsIndex: 'gsi2',
  runsIndexPartitionKey: 'gsi2pk',
  runsIndexSortKey: 'gsi2sk',
  ttlAttribute: 'expiresAt',
} as const;

export const keys = {
  hook: (g: string, h: string) => ({ pk: 'HOOK', sk: `${g}#${h}` }),
  fire: (g: string, h: string, time: string, runId: string) => ({
    pk: `FIRE#${g}#${h}`,
    sk: `${time}#${runId}`,
  }),
  firesOf: (g: string, h: string) => `FIRE#${g}#${h}`,
  run: (runId: string) => ({ pk: `RUN#${runId}`, sk: 'RUN' }),
  runsOf: (g: string, h: string) => `RUNS#${g}#${h}`,
  /** A run's sort key among its hook's runs (the index's `gsi1sk`): newest first when read backwards. */
  runsSortKey: (createdAt: string, runId: string) => `${createdAt}#${runId}`,
  /** The runs index's one partition: every run, sorted by `createdAt#runId`. */
  allRuns: 'RUNS',
  unfinished: (runId: string) => ({ pk: 'UNFINISHED', sk: runId }),
  step: (runId: string, index: number) => ({
    pk: `RUN#${runId}`,
    sk: `STEP#${String(index).padStart(4, '0')}`,
  }),
  output: (runId: string, index: number) => ({
    pk: `RUN#${runId}`,
    sk: `OUTPUT#${String(index).padStart(4, '0')}`,
  }),
  idempotency: (g: string, h: string, key: string) => ({ pk: `IDEMPOTENCY#${g}#${h}`, sk: key }),
  audit: (g: string, h: string, time: string, id: string) => ({ pk: `AUDIT#${g}#${h}`, sk: `${time}#${id}` }),
  auditOf: (g: string, h: string) => `AUDIT#${g}#${h}`,
  semaphore: (g: string, h: string) => ({ pk: `SEMAPHORE#${g}#${h}`, sk: 'SEMAPHORE' }),
  queueOf: (g: string, h: string) => `QUEUE#${g}#${h}`,
  hookType: (name: string) => ({ pk: 'HOOKTYPE', sk: name }),
  hookTypes: 'HOOKTYPE',
} as const;

/**
 * Clients in the one table: `pk = CLIENT, sk = clientId`; their audit records under
 * `pk = CLIENT_AUDIT#<clientId>, sk = <time>#<random>`; Hawk nonces (replay protection across
 * processes) under `pk = HAWK_NONCE#<clientId>, sk = <ts>:<nonce>` with `expiresAt` (DynamoDB TTL).
 * Single-item conditional writes only.
 */
export const clientKeys = {
  client: (clientId: string) => ({ pk: 'CLIENT', sk: clientId }),
  clients: 'CLIENT',
  audit: (clientId: string, time: string, id: string) => ({
    pk: `CLIENT_AUDIT#${clientId}`,
    sk: `${time}#${id}`,
  }),
  auditOf: (clientId: string) => `CLIENT_AUDIT#${clientId}`,
  nonce: (clientId: string, nonce: string) => ({ pk: `HAWK_NONCE#${clientId}`, sk: nonce }),
} as const;
