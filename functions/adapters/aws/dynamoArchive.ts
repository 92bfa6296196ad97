import { randomUUID } from 'node:crypto';
import type { DeliveredEvent } from '../../app/fireFromSources.ts';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { HookType } from '../../core/hookType.ts';
import type { RunRecord, StepOutput, StepRecord } from '../../core/runModel.ts';
import type { ClientAuditRecord, ClientRecord } from '../../ports/clientStore.ts';
import type { ArchivedRecord, RecordArchive } from '../../ports/recordArchive.ts';
import type { AuditRecord, FireRecord, HookRecord } from '../../ports/store.ts';
import { documentClient, withoutFields } from './documentClient.ts';
import { clientKeys, keys } from './tableLayout.ts';

type Item = Record<string, unknown>;

const TABLE_FIELDS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'kind']);
const TABLE_FIELDS_AND_TTL = new Set([...TABLE_FIELDS, 'expiresAt']);

const strip = <T>(item: Item) => withoutFields<T>(item, TABLE_FIELDS)!;
const stripWithTtl = <T>(item: Item) => withoutFields<T>(item, TABLE_FIELDS_AND_TTL)!;
const expiry = (item: Item) => (typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {});

/** `PREFIX#<hookGroupId>#<hookId>` (ids never hold `#`: functions/core/ids.ts). */
function hookOf(pk: string): { hookGroupId: string; hookId: string } {
  const [, hookGroupId = '', ...rest] = pk.split('#');
  return { hookGroupId, hookId: rest.join('#') };
}

/**
 * The one DynamoDB table as archived records (a full scan), and a restore that writes the items the
 * DynamoDB adapters write (functions/adapters/aws/tableLayout.ts). A run's `UNFINISHED` marker is not a
 * record of its own: it is written for every run not finished, as createRun and updateRun keep it.
 */
export class DynamoArchive implements RecordArchive {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  async *records(): AsyncIterable<ArchivedRecord> {
    let start: Record<string, unknown> | undefined;
    // A scan returns a partition's items in sort-key order: the outbox's in acceptance order.
    let outboxed = 0;
    const nextOutboxNumber = () => outboxed++;
    do {
      const page = await this.doc.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const item of (page.Items ?? []) as Item[]) {
        const record = toArchived(item, nextOutboxNumber);
        if (record) yield record;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  async isEmpty(): Promise<boolean> {
    const page = await this.doc.send(new ScanCommand({ TableName: this.tableName, Limit: 1 }));
    return (page.Items ?? []).length === 0 && !page.LastEvaluatedKey;
  }

  async restore(records: readonly ArchivedRecord[]): Promise<void> {
    // One item per key (a hook's busy mark comes with its semaphore and with each queued run).
    const items = [
      ...new Map(records.flatMap(toItems).map((item) => [`${item.pk}\u0000${item.sk}`, item])).values(),
    ];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === 8) throw new Error('DynamoDB kept refusing writes (throttled); the import stopped');
        const out = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.tableName] as typeof requests | undefined) ?? [];
        if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }
}

function toArchived(item: Item, nextOutboxNumber: () => number): ArchivedRecord | undefined {
  const pk = String(item.pk);
  const sk = String(item.sk);
  switch (item.kind) {
    case 'hook':
      return { kind: 'hook', record: strip<HookRecord>(item) };
    case 'fire':
      return { kind: 'fire', record: strip<FireRecord>(item) };
    case 'run':
      return { kind: 'run', record: stripWithTtl<RunRecord>(item), ...expiry(item) };
    case 'unfinished':
      return undefined;
    // The busy-hook index (dynamoConcurrencyStore.ts) is derived: a restore marks the hooks of the
    // semaphores with holders and of the queued runs again (busyMark below).
    case 'busy':
      return undefined;
    case 'outbox':
      return { kind: 'outboxEntry', sequence: nextOutboxNumber(), event: item.event as DeliveredEvent };
    case 'step':
      return { kind: 'step', record: stripWithTtl<StepRecord>(item), ...expiry(item) };
    case 'output':
      return {
        kind: 'stepOutput',
        runId: pk.slice('RUN#'.length),
        index: Number(sk.slice('OUTPUT#'.length)),
        record: stripWithTtl<StepOutput>(item),
        ...expiry(item),
      };
    case 'idempotency':
      return {
        kind: 'idempotencyKey',
        ...hookOf(pk),
        key: sk,
        runId: String(item.runId),
        expiresAt: Number(item.expiresAt),
        ...(typeof item.fingerprint === 'string' ? { fingerprint: item.fingerprint } : {}),
      };
    case 'audit':
      return { kind: 'audit', sortKey: sk, record: strip<AuditRecord>(item) };
    case 'client':
      return { kind: 'client', record: stripWithTtl<ClientRecord>(item) };
    case 'client-audit':
      return { kind: 'clientAudit', sortKey: sk, record: stripWithTtl<ClientAuditRecord>(item) };
    case 'hawk-nonce':
      return {
        kind: 'hawkNonce',
        clientId: pk.slice('HAWK_NONCE#'.length),
        nonce: sk,
        expiresAt: Number(item.expiresAt),
      };
    case 'semaphore':
      return {
        kind: 'semaphore',
        ...hookOf(pk),
        state: { holders: (item.holders as Record<string, number>) ?? {}, version: Number(item.version) },
      };
    case 'queued':
      return { kind: 'queuedRun', ...hookOf(pk), run: { runId: String(item.runId), position: sk } };
    case 'hook-type':
      return { kind: 'hookType', record: item.type as HookType };
    default:
      throw new Error(
        `the table holds an item of unknown kind "${String(item.kind)}" (pk ${pk}): not exported`,
      );
  }
}

/** The items the DynamoDB adapters would have written for the record. */
function toItems(r: ArchivedRecord): Item[] {
  switch (r.kind) {
    case 'hook':
      return [
        {
          ...keys.hook(r.record.definition.hookGroupId, r.record.definition.hookId),
          kind: 'hook',
          ...r.record,
        },
      ];
    case 'fire':
      return [
        {
          ...keys.fire(r.record.hookGroupId, r.record.hookId, r.record.time, r.record.runId),
          kind: 'fire',
          ...r.record,
        },
      ];
    case 'run': {
      const run: Item = {
        ...keys.run(r.record.runId),
        gsi1pk: keys.runsOf(r.record.hookGroupId, r.record.hookId),
        gsi1sk: keys.runsSortKey(r.record.createdAt, r.record.runId),
        kind: 'run',
        expiresAt: r.expiresAt,
        ...r.record,
      };
      if (r.record.status === 'finished') return [run];
      return [run, { ...keys.unfinished(r.record.runId), kind: 'unfinished', expiresAt: r.expiresAt }];
    }
    case 'step':
      return [
        { ...keys.step(r.record.runId, r.record.index), kind: 'step', expiresAt: r.expiresAt, ...r.record },
      ];
    case 'stepOutput':
      return [{ ...keys.output(r.runId, r.index), kind: 'output', ...r.record, expiresAt: r.expiresAt }];
    case 'idempotencyKey':
      return [
        {
          ...keys.idempotency(r.hookGroupId, r.hookId, r.key),
          kind: 'idempotency',
          runId: r.runId,
          expiresAt: r.expiresAt,
          ...(r.fingerprint === undefined ? {} : { fingerprint: r.fingerprint }),
        },
      ];
    case 'audit':
      return [
        {
          pk: keys.auditOf(r.record.hookGroupId, r.record.hookId),
          sk: r.sortKey,
          kind: 'audit',
          ...r.record,
        },
      ];
    case 'client':
      return [{ ...clientKeys.client(r.record.clientId), kind: 'client', ...r.record }];
    case 'clientAudit':
      return [
        { pk: clientKeys.auditOf(r.record.clientId), sk: r.sortKey, kind: 'client-audit', ...r.record },
      ];
    case 'hawkNonce':
      return [{ ...clientKeys.nonce(r.clientId, r.nonce), kind: 'hawk-nonce', expiresAt: r.expiresAt }];
    case 'semaphore':
      return [
        { ...keys.semaphore(r.hookGroupId, r.hookId), kind: 'semaphore', ...r.state },
        ...(Object.keys(r.state.holders).length > 0 ? [busyMark(r.hookGroupId, r.hookId)] : []),
      ];
    case 'queuedRun':
      return [
        { pk: keys.queueOf(r.hookGroupId, r.hookId), sk: r.run.position, kind: 'queued', runId: r.run.runId },
        busyMark(r.hookGroupId, r.hookId),
      ];
    case 'hookType':
      return [{ ...keys.hookType(r.record.name), kind: 'hook-type', type: r.record }];
    case 'outboxEntry': {
      // dynamoEventOutbox.ts positions, at time 0: in sequence, before anything accepted later.
      const position = `${'0'.repeat(15)}#${String(r.sequence).padStart(6, '0')}#${r.event.id}`;
      return [{ pk: 'OUTBOX', sk: position, kind: 'outbox', event: r.event }];
    }
  }
}

/** The busy-hook mark DynamoConcurrencyStore writes before an enqueue or an acquire. */
function busyMark(g: string, h: string): Item {
  return { pk: 'BUSY', sk: `${g}#${h}`, kind: 'busy', hookGroupId: g, hookId: h, mark: randomUUID() };
}
