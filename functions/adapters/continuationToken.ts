import { HooklineError } from '../core/errors.ts';

/**
 * Continuation tokens, the same for every store adapter: the key of the last item a page returned
 * (DynamoDB's LastEvaluatedKey, the one table's key names from functions/adapters/aws/tableLayout.ts),
 * as base64url JSON. A token issued by one adapter pages on in the other, and one that does not decode
 * to a key of the very partition being listed (forged, mangled, or from another listing) is refused
 * with a 400 before it reaches the store.
 */
export type ContinuationKey = Record<string, string>;

/** A 400 InputError (the caller's token is bad), not a 500. */
export class InvalidContinuationToken extends HooklineError {
  constructor() {
    super('InputError', 'continuationToken is not one this service issued');
    this.name = 'InvalidContinuationToken';
  }
}

export function encodeContinuationToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/**
 * The key a token stands for: exactly the `fields`, each a non-empty string, with `partition.name`
 * equal to `partition.value`. Throws InvalidContinuationToken otherwise; undefined without a token.
 */
export function decodeContinuationToken(
  token: string | undefined,
  fields: readonly string[],
  partition: { name: string; value: string } | undefined,
): ContinuationKey | undefined {
  if (!token) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new InvalidContinuationToken();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidContinuationToken();
  const key = parsed as Record<string, unknown>;
  if (
    Object.keys(key).length !== fields.length ||
    !fields.every((name) => typeof key[name] === 'string' && (key[name] as string).length > 0) ||
    (partition && key[partition.name] !== partition.value)
  ) {
    throw new InvalidContinuationToken();
  }
  return key as ContinuationKey;
}
