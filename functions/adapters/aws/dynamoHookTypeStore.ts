import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HookType } from '../../core/hookType.ts';
import type { HookTypeStore } from '../../ports/hookTypeStore.ts';
import { documentClient, queryAll } from './documentClient.ts';
import { keys } from './tableLayout.ts';

/** Hook types in the one table: pk `HOOKTYPE`, sk = name. */
export class DynamoHookTypeStore implements HookTypeStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.doc = documentClient(client);
  }

  async getHookType(name: string): Promise<HookType | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.hookType(name), ConsistentRead: true }),
    );
    return out.Item ? (out.Item.type as HookType) : undefined;
  }

  async putHookType(type: HookType): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.hookType(type.name), kind: 'hook-type', type },
      }),
    );
  }

  async deleteHookType(name: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.hookType(name) }));
  }

  async listHookTypes(): Promise<HookType[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.hookTypes },
    });
    return items.map((item) => item.type as HookType);
  }
}
