/**
 * JSON text that is the same for the same value whatever the order of its object keys: keys sorted,
 * what JSON.stringify writes otherwise (`toJSON` honoured, `undefined` and function members left out),
 * except that `undefined` itself is `null`. Used to compare definitions (hookDefinition.ts
 * `sameDefinition`), to fingerprint payloads (payloadFingerprint.ts) and to write export records
 * (infra/local/dataTransfer.ts: one record, one byte sequence).
 */
export function canonicalJson(value: unknown): string {
  const json = value as { toJSON?: () => unknown } | null | undefined;
  if (json && typeof json.toJSON === 'function') return canonicalJson(json.toJSON());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
