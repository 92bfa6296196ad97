import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { canonicalJson } from '../../functions/core/canonicalJson.ts';
import type { ArchivedRecord } from '../../functions/ports/recordArchive.ts';
import { openStores, type StoreOptions } from './stores.ts';

/**
 * `hookline export` / `hookline import`: every record of every store port as JSON lines, for backup,
 * restore, and moving a data directory between stores (dynalite → SQLite on upgrade, or back).
 *
 * The format: a header line `{"format":"hookline-export","version":1,...}`, then one record a line,
 * each an object with a `kind` (functions/ports/recordArchive.ts), its keys in sorted order so the
 * same records always give the same bytes, whichever store they came from. Offline only: a stack on
 * the same data directory holds its store (SQLite's exclusive lock, dynalite's LevelDB lock), and the
 * open is refused while it runs. The data directory's `service.key` is not in the dump and must travel
 * with it: trigger tokens and client tokens are derived from it.
 */
export const EXPORT_FORMAT = 'hookline-export';
export const EXPORT_VERSION = 1;
/** A record line longer than this is refused (a stored item is at most 400 KB; JSON adds little). */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

type Location = Omit<StoreOptions, 'clock' | 'allowDynaliteData'>;

const headerSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  store: z.string(),
});

const id = z.string().min(1).max(2048);
const epochSeconds = z.number().int().nonnegative();
const document = z.looseObject({});
const hookKeys = { hookGroupId: id, hookId: id };

/** What each line must hold to be placed in a store: its kind, its keys, its record as an object. */
const recordSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hook'), record: z.looseObject({ definition: z.looseObject(hookKeys) }) }),
  z.strictObject({
    kind: z.literal('fire'),
    record: z.looseObject({ ...hookKeys, time: id, runId: id, expiresAt: epochSeconds.optional() }),
  }),
  z.strictObject({
    kind: z.literal('run'),
    record: z.looseObject({ ...hookKeys, runId: id, createdAt: id, status: z.string() }),
    expiresAt: epochSeconds.optional(),
  }),
  z.strictObject({
    kind: z.literal('step'),
    record: z.looseObject({ runId: id, index: z.number().int().min(0).max(9999) }),
    expiresAt: epochSeconds.optional(),
  }),
  z.strictObject({
    kind: z.literal('stepOutput'),
    runId: id,
    index: z.number().int().min(0).max(9999),
    record: document,
    expiresAt: epochSeconds.optional(),
  }),
  z.strictObject({
    kind: z.literal('idempotencyKey'),
    ...hookKeys,
    key: id,
    runId: id,
    expiresAt: epochSeconds,
    fingerprint: id.optional(),
  }),
  z.strictObject({ kind: z.literal('audit'), sortKey: id, record: z.looseObject({ ...hookKeys, time: id }) }),
  z.strictObject({ kind: z.literal('client'), record: z.looseObject({ clientId: id, version: z.number() }) }),
  z.strictObject({
    kind: z.literal('clientAudit'),
    sortKey: id,
    record: z.looseObject({ clientId: id, time: id }),
  }),
  z.strictObject({ kind: z.literal('hawkNonce'), clientId: id, nonce: id, expiresAt: epochSeconds }),
  z.strictObject({
    kind: z.literal('semaphore'),
    ...hookKeys,
    state: z.strictObject({ holders: z.record(z.string(), z.number()), version: z.number().int() }),
  }),
  z.strictObject({
    kind: z.literal('queuedRun'),
    ...hookKeys,
    run: z.strictObject({ runId: id, position: id }),
  }),
  z.strictObject({ kind: z.literal('hookType'), record: z.looseObject({ name: id }) }),
  z.strictObject({
    kind: z.literal('outboxEntry'),
    sequence: z.number().int().min(0).max(999_999),
    event: z.looseObject({ id, source: id, 'detail-type': z.string(), detail: document }),
  }),
]);

/** Writes the header and every record of the store at `from`; returns how many records. */
export async function exportRecords(
  from: Location,
  write: (line: string) => Promise<void> | void,
  now: () => Date = () => new Date(),
): Promise<number> {
  const stores = await openStores({ ...from, clock: { now } });
  try {
    await write(
      `${JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now().toISOString(), store: stores.kind })}\n`,
    );
    let count = 0;
    for await (const record of stores.archive.records()) {
      await write(`${canonicalJson(record)}\n`);
      count++;
    }
    return count;
  } finally {
    await stores.close();
  }
}

/** Thrown for a dump that cannot be imported (the store is left untouched). */
export class ImportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefused';
  }
}

/**
 * Reads a dump and writes its records into the empty store at `to`. Every line is checked before
 * anything is written; into SQLite the records go in one transaction (all or nothing), into DynamoDB
 * in batches (a failure part way leaves the table partly filled: empty it and import again).
 */
export async function importRecords(to: Location, input: Readable): Promise<number> {
  const records = await readDump(input);
  // An import into a data directory that still holds its older dynalite database is the upgrade itself.
  const stores = await openStores({ ...to, clock: { now: () => new Date() }, allowDynaliteData: true });
  try {
    if (!(await stores.archive.isEmpty()))
      throw new ImportRefused(`${stores.location} is not empty: import only into an empty store`);
    await stores.archive.restore(records);
    return records.length;
  } finally {
    await stores.close();
  }
}

async function readDump(input: Readable): Promise<ArchivedRecord[]> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const records: ArchivedRecord[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (Buffer.byteLength(line) > MAX_LINE_BYTES)
      throw new ImportRefused(`line ${lineNumber} is longer than ${MAX_LINE_BYTES} bytes`);
    if (lineNumber > 1 && line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ImportRefused(`line ${lineNumber} is not JSON`);
    }
    if (lineNumber === 1) {
      const header = headerSchema.safeParse(value);
      if (!header.success)
        throw new ImportRefused(
          `line 1 is not a header of ${EXPORT_FORMAT} version ${EXPORT_VERSION} (made by hookline export)`,
        );
      continue;
    }
    const parsed = recordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ImportRefused(
        `line ${lineNumber} is not a record: ${issue?.path.join('.') || 'the line'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    records.push(parsed.data as unknown as ArchivedRecord);
  }
  if (lineNumber === 0) throw new ImportRefused('the dump is empty (no header line)');
  return records;
}
