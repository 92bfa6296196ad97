import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from '../../ports/store.ts';

/**
 * The DynamoDB document client every store uses (against DynamoDB in the cloud, dynalite locally),
 * and the translation of a failed condition into the ports' ConditionFailed.
 */
export function documentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  doc.middlewareStack.add(
    (next) => async (args) => {
      makeInputMarshallable(args.input as Record<string, unknown>);
      return next(args);
    },
    // Document clients made from one DynamoDBClient share its middleware stack: replace, never duplicate.
    { step: 'initialize', priority: 'high', name: 'hooklineMarshallable', override: true },
  );
  return doc;
}

/** Every item a query matches, page after page. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

/** Runs a conditional write; a failed condition becomes ConditionFailed. */
export async function conditional<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isConditionFailure(error)) throw new ConditionFailed();
    throw error;
  }
}

/**
 * The SDK's marshaller decides how to store an object by its `constructor` property, so a JSON object
 * with a "constructor" key (a payload, a template, a config) is misread: stored as the string
 * "[object Object]", or refused. Such objects go to the marshaller as Maps, which it stores as the same
 * M attribute; everything else passes unchanged (and uncopied).
 */
export function marshallable(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const fixed = marshallable(item);
      if (fixed === item) return;
      copy ??= [...value];
      copy[i] = fixed;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Sets, Buffers, NumberValues: the SDK's own
  const record = value as Record<string, unknown>;
  let changed = Object.hasOwn(record, 'constructor');
  const entries = Object.keys(record).map((key) => {
    const fixed = marshallable(record[key]);
    if (fixed !== record[key]) changed = true;
    return [key, fixed] as const;
  });
  if (!changed) return value;
  return Object.hasOwn(record, 'constructor') ? new Map(entries) : Object.fromEntries(entries);
}

function makeInputMarshallable(input: Record<string, unknown>): void {
  for (const field of ['Item', 'ExpressionAttributeValues', 'Key', 'ExclusiveStartKey'] as const) {
    const part = input[field];
    if (part && typeof part === 'object') {
      for (const [name, value] of Object.entries(part))
        (part as Record<string, unknown>)[name] = marshallable(value);
    }
  }
}

/** An item without the given table fields (keys, kind, TTL): the record the ports deal in. */
export function withoutFields<T>(
  item: Record<string, unknown> | undefined,
  fields: ReadonlySet<string>,
): T | undefined {
  if (!item) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!fields.has(k)) out[k] = v;
  return out as T;
}
