import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type RunRecord, runSummaryOf, type StepOutput, type StepRecord } from '../../core/runModel.ts';
import type { RunCreation, RunCreationOutcome, RunCreationRepair } from '../../ports/runCreation.ts';
import {
  type AuditRecord,
  ConditionFailed,
  type FireRecord,
  HOOK_BOOKKEEPING_FIELDS,
  type HookBookkeepingChange,
  type HookRecord,
  type IdempotencyClaim,
  type Page,
  type PageRequest,
  type RunFilter,
  type RunSummary,
  type Store,
} from '../../ports/store.ts';
import { HooklineError } from '../../core/errors.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import { decodeContinuationToken, encodeContinuationToken } from '../continuationToken.ts';
import { conditional, documentClient, withoutFields, queryAll } from './documentClient.ts';
import { DynamoRunCreation } from './dynamoRunCreation.ts';
import { keys } from './tableLayout.ts';

type Item = Record<string, unknown>;

const KEY_FIELDS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'kind']);

const strip = <T>(item: Item | undefined): T | undefined => withoutFields<T>(item, KEY_FIELDS);

const encodeToken = encodeContinuationToken;

/**
 * The optional fields of a HookRecord besides the bookkeeping ones (HOOK_BOOKKEEPING_FIELDS): replaceHook
 * removes those the new record lacks. A new optional field of HookRecord belongs here.
 */
const REPLACEABLE_OPTIONAL_HOOK_FIELDS = ['runCommands'] as const satisfies readonly (keyof HookRecord)[];

/** The token of a query on the table (`pk`, `sk`) or on its index (`gsi1pk`, `gsi1sk` as well). */
function decodeToken(
  token: string | undefined,
  partition: { name: string; value: string } | undefined,
): Record<string, unknown> | undefined {
  const index = partition?.name.match(/^(gsi\d)pk$/)?.[1];
  const fields = index ? ['pk', 'sk', `${index}pk`, `${index}sk`] : ['pk', 'sk'];
  return decodeContinuationToken(token, fields, partition);
}

/** Builds `SET a = :a, ...` and an optional `a = :c_a AND ...` condition from plain objects. */
function updateExpression(changes: Item, onlyIf?: Item, mustExist = true) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    names[`#${field}`] = field;
    if (value === undefined) removes.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  const conditions: string[] = mustExist ? ['attribute_exists(pk)'] : [];
  for (const [field, value] of Object.entries(onlyIf ?? {})) {
    names[`#${field}`] = field;
    if (value === undefined || value === null) conditions.push(`attribute_not_exists(#${field})`);
    else {
      values[`:c_${field}`] = value;
      conditions.push(`#${field} = :c_${field}`);
    }
  }
  const expression = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    UpdateExpression: expression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
    ConditionExpression: conditions.length ? conditions.join(' AND ') : undefined,
  };
}

export interface DynamoStoreOptions {
  tableName: string;
  client?: DynamoDBClient;
  /** What "now" is when an expired idempotency key is claimed again. Default: the system clock. */
  clock?: Clock;
}

/** The Store on DynamoDB (cloud) or dynalite (local): the same code in both modes. */
export class DynamoStore implements Store {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly clock: Clock;
  private readonly creation: DynamoRunCreation;

  constructor(options: DynamoStoreOptions) {
    this.table = options.tableName;
    this.clock = options.clock ?? systemClock;
    this.doc = documentClient(options.client);
    this.creation = new DynamoRunCreation(this.doc, this.table);
  }

  private async get<T>(key: { pk: string; sk: string }, consistent = true): Promise<T | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: consistent }),
    );
    return strip<T>(out.Item);
  }

  private queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    return queryAll(this.doc, { ...input, TableName: this.table });
  }

  private async queryPage(
    input: Omit<QueryCommandInput, 'TableName'>,
    page: PageRequest,
  ): Promise<Page<Item>> {
    const partitionName = input.IndexName ? `${input.IndexName}pk` : 'pk';
    const partitionValue = input.ExpressionAttributeValues?.[':pk'];
    const out = await this.doc.send(
      new QueryCommand({
        ...input,
        TableName: this.table,
        Limit: page.limit,
        ExclusiveStartKey: decodeToken(
          page.continuationToken,
          typeof partitionValue === 'string' ? { name: partitionName, value: partitionValue } : undefined,
        ),
      }),
    );
    return { items: (out.Items as Item[]) ?? [], continuationToken: encodeToken(out.LastEvaluatedKey) };
  }

  private async deletePartition(pk: string): Promise<void> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
    });
    for (let i = 0; i < items.length; i += 25) {
      let requests = items
        .slice(i, i + 25)
        .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      for (let attempt = 0; requests.length > 0 && attempt < 8; attempt++) {
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (out.UnprocessedItems?.[this.table] as typeof requests | undefined) ?? [];
        if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  // hooks

  getHook(g: string, h: string): Promise<HookRecord | undefined> {
    return this.get<HookRecord>(keys.hook(g, h));
  }

  async createHook(record: HookRecord): Promise<void> {
    const { hookGroupId: g, hookId: h } = record.definition;
    await conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.hook(g, h), kind: 'hook', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async replaceHook(record: HookRecord, expectedVersion: number): Promise<void> {
    const { hookGroupId: g, hookId: h } = record.definition;
    // An UpdateItem of every field but the bookkeeping ones (a Put would overwrite those); a
    // pending-sync mark the record carries (app/syncTriggers.ts) is written with the definition.
    const fields: Item = { kind: 'hook', ...record };
    for (const name of HOOK_BOOKKEEPING_FIELDS) {
      if (name === 'outOfSync' && record.outOfSync?.length) continue;
      delete fields[name];
    }
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':expected': expectedVersion };
    const sets: string[] = [];
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      names[`#f_${name}`] = name;
      values[`:f_${name}`] = value;
      sets.push(`#f_${name} = :f_${name}`);
    }
    // A replace is a replace: an optional field the record no longer has is removed, as a Put would.
    const removes = REPLACEABLE_OPTIONAL_HOOK_FIELDS.filter((name) => record[name] === undefined).map(
      (name) => {
        names[`#r_${name}`] = name;
        return `#r_${name}`;
      },
    );
    await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.hook(g, h),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async updateHookBookkeeping(g: string, h: string, change: HookBookkeepingChange): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const adds: string[] = [];
    const removes: string[] = [];
    if (change.addMissedOccurrences) {
      names['#missed'] = 'missedOccurrences';
      values[':missed'] = change.addMissedOccurrences;
      adds.push('#missed :missed');
    }
    if (change.outOfSync !== undefined) {
      names['#outOfSync'] = 'outOfSync';
      if (change.outOfSync.length === 0) removes.push('#outOfSync');
      else {
        values[':outOfSync'] = change.outOfSync;
        sets.push('#outOfSync = :outOfSync');
      }
    }
    const send = (watermark: boolean) => {
      const n = { ...names };
      const v = { ...values };
      const s = [...sets];
      const conditions = ['attribute_exists(pk)'];
      if (watermark && change.lastScheduledAt !== undefined) {
        n['#watermark'] = 'lastScheduledAt';
        v[':watermark'] = change.lastScheduledAt;
        s.push('#watermark = :watermark');
        // ISO 8601 UTC times in one format order as strings do.
        conditions.push('(attribute_not_exists(#watermark) OR #watermark < :watermark)');
      }
      const expression = [
        s.length ? `SET ${s.join(', ')}` : '',
        adds.length ? `ADD ${adds.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      if (expression === '') return Promise.resolve();
      return conditional(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.hook(g, h),
            UpdateExpression: expression,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: n,
            ExpressionAttributeValues: Object.keys(v).length ? v : undefined,
          }),
        ),
      );
    };
    try {
      await send(true);
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // Gone (nothing to do), or the stored watermark is already as late: apply the rest alone.
      if (change.lastScheduledAt === undefined) return;
      try {
        await send(false);
      } catch (again) {
        if (!(again instanceof ConditionFailed)) throw again;
      }
    }
  }

  async deleteHook(g: string, h: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.hook(g, h) }));
  }

  async listAllHooks(): Promise<HookRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'HOOK' },
    });
    return items.map((i) => strip<HookRecord>(i)!);
  }

  async listHookGroups(): Promise<string[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'HOOK' },
      ProjectionExpression: 'sk',
    });
    return [...new Set(items.map((i) => String(i.sk).split('#')[0]!))].sort();
  }

  async listHooks(g: string): Promise<HookRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'HOOK', ':prefix': `${g}#` },
    });
    return items.map((i) => strip<HookRecord>(i)!);
  }

  // fires

  async putFire(fire: FireRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.fire(fire.hookGroupId, fire.hookId, fire.time, fire.runId), kind: 'fire', ...fire },
      }),
    );
  }

  async listFires(g: string, h: string, page: PageRequest): Promise<Page<FireRecord>> {
    const out = await this.queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.firesOf(g, h) },
        ScanIndexForward: false,
      },
      page,
    );
    return { items: out.items.map((i) => strip<FireRecord>(i)!), continuationToken: out.continuationToken };
  }

  deleteFires(g: string, h: string): Promise<void> {
    return this.deletePartition(keys.firesOf(g, h));
  }

  // runs and steps

  /** In the order functions/adapters/aws/dynamoRunCreation.ts explains (safe at every cut). */
  createRun(creation: RunCreation): Promise<RunCreationOutcome> {
    return this.creation.create(creation);
  }

  repairRunCreation(runId: string, startedBefore: Date): Promise<RunCreationRepair> {
    return this.creation.repair(runId, startedBefore);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.get<RunRecord>(keys.run(runId)).then((run) => {
      if (run) delete (run as Partial<RunRecord> & { expiresAt?: number }).expiresAt;
      return run;
    });
  }

  async updateRun(
    runId: string,
    changes: Partial<RunRecord>,
    onlyIf?: Partial<Record<keyof RunRecord, unknown>>,
  ) {
    await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.run(runId),
          ...updateExpression(changes, onlyIf),
        }),
      ),
    );
    if (changes.status === 'finished') {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.unfinished(runId) }));
    }
  }

  async listUnfinishedRunIds(): Promise<string[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.unfinished('').pk },
      ProjectionExpression: 'sk',
    });
    return items.map((i) => String(i.sk));
  }

  async listRuns(g: string, h: string, page: PageRequest): Promise<Page<RunSummary>> {
    return this.listRecentRuns({ hookGroupId: g, hookId: h }, page);
  }

  async listRecentRuns(filter: RunFilter, page: PageRequest): Promise<Page<RunSummary>> {
    const oneHook = filter.hookGroupId !== undefined && filter.hookId !== undefined;
    const [index, pk, sk] = oneHook ? ['gsi1', 'gsi1pk', 'gsi1sk'] : ['gsi2', 'gsi2pk', 'gsi2sk'];
    const names: Record<string, string> = { '#pk': pk };
    if (filter.since !== undefined || filter.until !== undefined) names['#sk'] = sk;
    const values: Record<string, unknown> = {
      ':pk': oneHook ? keys.runsOf(filter.hookGroupId!, filter.hookId!) : keys.allRuns,
    };
    // `createdAt#runId` sorts after `createdAt`: since is inclusive, until exclusive.
    let keyCondition = '#pk = :pk';
    if (filter.since !== undefined && filter.until !== undefined) {
      keyCondition += ' AND #sk BETWEEN :since AND :until';
      Object.assign(values, { ':since': filter.since, ':until': filter.until });
    } else if (filter.since !== undefined) {
      keyCondition += ' AND #sk >= :since';
      values[':since'] = filter.since;
    } else if (filter.until !== undefined) {
      keyCondition += ' AND #sk < :until';
      values[':until'] = filter.until;
    }
    const conditions: string[] = [];
    for (const field of ['hookGroupId', 'hookId', 'status', 'result', 'firedBy'] as const) {
      if (oneHook && (field === 'hookGroupId' || field === 'hookId')) continue;
      if (filter[field] === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = filter[field];
      conditions.push(`#${field} = :${field}`);
    }
    const out = await this.runsIndexQuery(() =>
      this.queryPage(
        {
          IndexName: index,
          KeyConditionExpression: keyCondition,
          ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
        },
        page,
      ),
    );
    return {
      items: out.items.map((i) => runSummaryOf(strip<RunRecord>(i)!)),
      continuationToken: out.continuationToken,
    };
  }

  /** A table made before the runs index existed (a local data directory) says so instead of a bare 500. */
  private async runsIndexQuery<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      if ((error as Error).name === 'ValidationException' && /index/i.test((error as Error).message))
        throw new HooklineError(
          'InternalServerError',
          'the table has no runs index (gsi2): it was created before GET /runs existed; deploy the current stack, or start the local stack on a new data directory',
        );
      throw error;
    }
  }

  async getSteps(runId: string): Promise<StepRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.run(runId).pk, ':prefix': 'STEP#' },
      ConsistentRead: true,
    });
    return items.map((i) => {
      const step = strip<StepRecord & { expiresAt?: number }>(i)!;
      delete step.expiresAt;
      return step;
    });
  }

  async getStep(runId: string, index: number): Promise<StepRecord | undefined> {
    const step = await this.get<StepRecord & { expiresAt?: number }>(keys.step(runId, index));
    if (step) delete step.expiresAt;
    return step;
  }

  async updateStep(
    runId: string,
    index: number,
    changes: Partial<StepRecord>,
    onlyIf?: Partial<Record<keyof StepRecord, unknown>>,
  ) {
    await conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.step(runId, index),
          ...updateExpression(changes, onlyIf),
        }),
      ),
    );
  }

  async putStepOutput(runId: string, index: number, output: StepOutput, expiresAt?: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.output(runId, index), kind: 'output', ...output, expiresAt },
      }),
    );
  }

  async getStepOutput(runId: string, index: number): Promise<StepOutput | undefined> {
    const output = await this.get<StepOutput & { expiresAt?: number }>(keys.output(runId, index));
    if (output) delete output.expiresAt;
    return output;
  }

  // idempotency keys

  findIdempotentRun(g: string, h: string, key: string): Promise<IdempotencyClaim | undefined> {
    return this.creation.findIdempotentRun(g, h, key);
  }

  // audit

  async putAudit(record: AuditRecord): Promise<void> {
    const id = Math.random().toString(36).slice(2, 10);
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.audit(record.hookGroupId, record.hookId, record.time, id), kind: 'audit', ...record },
      }),
    );
  }

  async listAudit(g: string, h: string, page: PageRequest): Promise<Page<AuditRecord>> {
    const out = await this.queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditOf(g, h) },
        ScanIndexForward: false,
      },
      page,
    );
    return { items: out.items.map((i) => strip<AuditRecord>(i)!), continuationToken: out.continuationToken };
  }
}
