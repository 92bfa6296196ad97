/**
 * Records are kept as JSON documents with the DynamoDB document client's rules (functions/adapters/aws/
 * documentClient.ts: `removeUndefinedValues`), so both stores read back the same objects: an
 * `undefined` field is not stored, `null` is stored as null.
 */
export function toDocument(value: unknown): string {
  return JSON.stringify(value);
}

export function fromDocument<T>(text: string): T {
  return JSON.parse(text) as T;
}

/**
 * The DynamoDB adapter's conditional update (functions/adapters/aws/dynamoStore.ts `updateExpression`)
 * on a document: `changes` sets each field (`undefined` removes it); `onlyIf` requires each field to
 * equal the given value, or with `undefined`/`null` to be absent (DynamoDB's `attribute_not_exists`: a
 * field stored as null exists). Returns the updated document, or undefined when a condition fails.
 */
export function conditionalUpdate<T extends object>(
  document: T,
  changes: Record<string, unknown>,
  onlyIf: Record<string, unknown> | undefined,
): T | undefined {
  const current = document as Record<string, unknown>;
  for (const [field, expected] of Object.entries(onlyIf ?? {})) {
    const present = Object.hasOwn(current, field);
    if (expected === undefined || expected === null) {
      if (present) return undefined;
    } else if (!present || !sameValue(current[field], expected)) return undefined;
  }
  const next: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) delete next[field];
    else next[field] = value;
  }
  return next as T;
}

/** DynamoDB's `=`: same type and value; lists element by element, maps field by field in any order. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((k) => left[k] !== undefined);
  return (
    keys.length === Object.keys(right).filter((k) => right[k] !== undefined).length &&
    keys.every((k) => Object.hasOwn(right, k) && sameValue(left[k], right[k]))
  );
}

/** Whether the SQLite error is a uniqueness (primary key) violation. */
export function isUniquenessViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A page of `limit` rows from a query asked for `limit + 1`: the extra row says another page exists. */
export function pageOf<R>(rows: R[], limit: number): { rows: R[]; more: boolean } {
  return rows.length > limit ? { rows: rows.slice(0, limit), more: true } : { rows, more: false };
}
