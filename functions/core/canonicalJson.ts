/**
 * JSON text that is the same for the same value whatever the order of its object keys: keys sorted,
 * `undefined` members left out (as JSON.stringify leaves them out), `undefined` itself and in arrays as
 * `null`. Used to compare definitions (hookDefinition.ts `sameDefinition`) and to fingerprint payloads
 * (payloadFingerprint.ts).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
