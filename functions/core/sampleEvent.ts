/**
 * An event made from an EventBridge pattern's own values — what a hook's binding is checked with when
 * the hook is created (functions/app/checkHook.ts): each field the pattern names gets the first value
 * the pattern offers for it (an exact value, a prefix, an equals-ignore-case value, a wildcard with its
 * `*` dropped); fields it matches only by other means (numeric, anything-but, exists, cidr) are left out.
 */
export function sampleEventFor(pattern: Record<string, unknown>, now: Date): Record<string, unknown> {
  const sampled = sampleObject(pattern);
  return {
    version: '0',
    id: '00000000-0000-4000-8000-000000000000',
    'detail-type': '',
    source: '',
    account: '000000000000',
    time: now.toISOString(),
    region: 'local',
    resources: [],
    ...sampled,
    detail: isRecord(sampled.detail) ? sampled.detail : {},
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sampleObject(pattern: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(pattern)) {
    if (key === '$or') {
      const first = Array.isArray(node) ? node.find(isRecord) : undefined;
      if (first) Object.assign(out, sampleObject(first));
      continue;
    }
    const value = Array.isArray(node) ? sampleValue(node) : isRecord(node) ? sampleObject(node) : undefined;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function sampleValue(matchers: unknown[]): unknown {
  for (const matcher of matchers) {
    if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return matcher;
    if (!isRecord(matcher)) continue;
    if (typeof matcher.prefix === 'string') return matcher.prefix;
    if (typeof matcher.suffix === 'string') return matcher.suffix;
    if (typeof matcher['equals-ignore-case'] === 'string') return matcher['equals-ignore-case'];
    if (typeof matcher.wildcard === 'string') return matcher.wildcard.replaceAll('*', '');
  }
  return undefined;
}
