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
import { HooklineError } from '../../core/errors.ts';
import type { RunRecord, StepOutput, StepRecord } from '../../core/runModel.ts';
import type {
  AuditRecord,
  FireRecord,
  HookRecord,
  IdempotencyClaim,
  Page,
  PageRequest,
  RunFilter,
  RunSummary,
  Store,
} from '../../ports/store.ts';
import {
  conditional,
  documentClient,
  encodeContinuationToken,
  isConditionFailure,
  withoutFields,
} from './documentClient.ts';
import { keys } from './tableLayout.ts';

type Item = Record<string, unknown>;

const KEY_FIELDS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'kind']);

const strip = <T>(item: Item | undefined): T | undefined => withoutFields<T>(item, KEY_FIELDS);

const encodeToken = encodeContinuationToken;

/**
 * A continuation token is the query's LastEvaluatedKey. One that does not decode to a key of the very
 * partition being queried (forged, mangled, or from another listing) is refused with a 400 rather than
 * handed to DynamoDB, which would answer ValidationException (a 500) or page through another partition.
 */
function decodeToken(
  token: string | undefined,
  partition: { name: string; value: string } | undefined,
): Record<string, unknown> | undefined {
  if (!token) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new InvalidContinuationToken();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidContinuationToken();
  const key = parsed as Record<string, unknown>;
  const names = Object.keys(key);
  const index = partition?.name.match(/^(gsi\d)pk$/)?.[1];
  const allowed = index ? ['pk', 'sk', `${index}pk`, `${index}sk`] : ['pk', 'sk'];
  if (
    names.length !== allowed.length ||
    !allowed.every((name) => typeof key[name] === 'string' && (key[name] as string).length > 0) ||
    (partition && key[partition.name] !== partition.value)
  ) {
    throw new InvalidContinuationToken();
  }
  return key;
}

/** A 400 InputError (the caller's token is bad), not a 500. */
export class InvalidContinuationToken extends HooklineError {
  constructor() {
    super('InputError', 'continuationToken is not one this service issued');
    this.name = 'InvalidContinuationToken';
  }
}

function runSummary(run: RunRecord): RunSummary {
  const summary: RunSummary = {
    runId: run.runId,
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
    firedBy: run.firedBy,
    status: run.status,
    result: run.result,
    createdAt: run.createdAt,
  };
  if (run.startedAt !== undefined) summary.startedAt = run.startedAt;
  if (run.finishedAt !== undefined) summary.finishedAt = run.finishedAt;
  return summary;
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
}

/** The Store on DynamoDB (cloud) or dynalite (local): the same code in both modes. */
export class DynamoStore implements Store {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: DynamoStoreOptions) {
    this.table = options.tableName;
    this.doc = documentClient(options.client);
  }

  private async get<T>(key: { pk: string; sk: string }, consistent = true): Promise<T | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: consistent }),
    );
    return strip<T>(out.Item);
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start }),
      );
      items.push(...((out.Items as Item[]) ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
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
    await conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.hook(g, h), kind: 'hook', ...record },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      ),
    );
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

  async createRun(run: RunRecord, steps: StepRecord[], expiresAt?: number): Promise<void> {
    await conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.run(run.runId),
            gsi1pk: keys.runsOf(run.hookGroupId, run.hookId),
            gsi1sk: `${run.createdAt}#${run.runId}`,
            gsi2pk: keys.allRuns,
            gsi2sk: `${run.createdAt}#${run.runId}`,
            kind: 'run',
            expiresAt,
            ...run,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    // The run item is the claim; its marker and steps are independent items, written side by side.
    const writes: Array<() => Promise<unknown>> = [
      () =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...keys.unfinished(run.runId), kind: 'unfinished', expiresAt },
          }),
        ),
      ...steps.map(
        (step) => () =>
          this.doc
            .send(
              new PutCommand({
                TableName: this.table,
                Item: { ...keys.step(run.runId, step.index), kind: 'step', expiresAt, ...step },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            )
            .catch((error: Error) => {
              if (!isConditionFailure(error)) throw error;
            }),
      ),
    ];
    for (let i = 0; i < writes.length; i += 16)
      await Promise.all(writes.slice(i, i + 16).map((write) => write()));
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
      items: out.items.map((i) => runSummary(strip<RunRecord>(i)!)),
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

  async claimIdempotencyKey(
    g: string,
    h: string,
    key: string,
    runId: string,
    expiresAt: number,
    fingerprint: string,
  ): Promise<IdempotencyClaim | undefined> {
    const now = Math.floor(Date.now() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.idempotency(g, h, key), kind: 'idempotency', runId, fingerprint, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get<IdempotencyClaim>(keys.idempotency(g, h, key));
      return existing
        ? { runId: existing.runId, ...(existing.fingerprint ? { fingerprint: existing.fingerprint } : {}) }
        : undefined;
    }
  }

  async releaseIdempotencyKey(g: string, h: string, key: string, runId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.idempotency(g, h, key),
          ConditionExpression: 'runId = :runId',
          ExpressionAttributeValues: { ':runId': runId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
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
