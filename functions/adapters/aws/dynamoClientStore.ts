import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ClientAuditRecord, ClientRecord, ClientStore } from '../../ports/clientStore.ts';
import { ConditionFailed, type Page, type PageRequest } from '../../ports/store.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import { decodeContinuationToken, encodeContinuationToken } from '../continuationToken.ts';
import { documentClient, isConditionFailure, withoutFields } from './documentClient.ts';
import { clientKeys } from './tableLayout.ts';

type Item = Record<string, unknown>;

const KEY_FIELDS = new Set(['pk', 'sk', 'kind', 'expiresAt']);

const strip = <T>(item: Item | undefined): T | undefined => withoutFields<T>(item, KEY_FIELDS);

const encodeToken = encodeContinuationToken;

/** A continuation token must decode to a key of the very partition being listed (else a 400). */
const decodeToken = (token: string | undefined, pk: string) =>
  decodeContinuationToken(token, ['pk', 'sk'], { name: 'pk', value: pk });

export interface DynamoClientStoreOptions {
  tableName: string;
  client?: DynamoDBClient;
  /** What "now" is when an expired Hawk nonce is claimed again. Default: the system clock. */
  clock?: Clock;
}

export class DynamoClientStore implements ClientStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly clock: Clock;

  constructor(options: DynamoClientStoreOptions) {
    this.table = options.tableName;
    this.clock = options.clock ?? systemClock;
    this.doc = documentClient(options.client);
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: clientKeys.client(clientId), ConsistentRead: true }),
    );
    return strip<ClientRecord>(out.Item);
  }

  async createClient(record: ClientRecord): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...clientKeys.client(record.clientId), kind: 'client', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionFailed(`client ${record.clientId} exists`);
      throw error;
    }
  }

  async replaceClient(record: ClientRecord, expectedVersion: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...clientKeys.client(record.clientId), kind: 'client', ...record },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConditionFailed(`client ${record.clientId} changed`);
      throw error;
    }
  }

  async touchClient(clientId: string, time: string, notBefore: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: clientKeys.client(clientId),
          UpdateExpression: 'SET #used = :time',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#used) OR #used < :notBefore)',
          ExpressionAttributeNames: { '#used': 'lastDateUsed' },
          ExpressionAttributeValues: { ':time': time, ':notBefore': notBefore },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async deleteClient(clientId: string): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: clientKeys.client(clientId), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }

  async listClients(page: PageRequest & { prefix?: string }): Promise<Page<ClientRecord>> {
    const input: Omit<QueryCommandInput, 'TableName'> = page.prefix
      ? {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': clientKeys.clients, ':prefix': page.prefix },
        }
      : { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': clientKeys.clients } };
    const out = await this.doc.send(
      new QueryCommand({
        ...input,
        TableName: this.table,
        Limit: page.limit,
        ConsistentRead: true,
        ExclusiveStartKey: decodeToken(page.continuationToken, clientKeys.clients),
      }),
    );
    return {
      items: ((out.Items as Item[]) ?? []).map((i) => strip<ClientRecord>(i)!),
      continuationToken: encodeToken(out.LastEvaluatedKey),
    };
  }

  async putClientAudit(record: ClientAuditRecord): Promise<void> {
    const id = randomBytes(6).toString('base64url');
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...clientKeys.audit(record.clientId, record.time, id), kind: 'client-audit', ...record },
      }),
    );
  }

  async listClientAudit(clientId: string, page: PageRequest): Promise<Page<ClientAuditRecord>> {
    const pk = clientKeys.auditOf(clientId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeToken(page.continuationToken, pk),
      }),
    );
    return {
      items: ((out.Items as Item[]) ?? []).map((i) => strip<ClientAuditRecord>(i)!),
      continuationToken: encodeToken(out.LastEvaluatedKey),
    };
  }

  async claimNonce(clientId: string, nonce: string, expiresAt: number): Promise<boolean> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...clientKeys.nonce(clientId, nonce), kind: 'hawk-nonce', expiresAt },
          // An expired item DynamoDB's TTL has not yet deleted does not count.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
