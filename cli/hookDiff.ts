/**
 * What `hookline apply` compares: a hook as its file defines it against the hook the API returns.
 * The API stores definitions with defaults applied (functions/core/hookDefinition.ts,
 * `completeDefinition`); a file that leaves a field out means that field's default, so the defaults are
 * filled in before comparing and sent with the update (an update that omits `triggerSchema` would keep
 * the stored one). `config` is compared only when the file gives it: an update without `config` keeps
 * the stored values, and a hook type adds its defaults to what the file gives.
 */
export const DEFINITION_DEFAULTS: Record<string, unknown> = {
  schedule: [],
  bindings: [],
  scheduleTimezone: 'UTC',
  catchUp: 'latest',
  triggerSchema: { type: 'object', additionalProperties: false },
};

/** The file's definition with the defaults the API would apply. */
export function desiredDefinition(file: Record<string, unknown>): Record<string, unknown> {
  const desired: Record<string, unknown> = { ...DEFINITION_DEFAULTS, ...file };
  const metadata = file.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata))
    desired.metadata = { emailOnError: true, ...(metadata as Record<string, unknown>) };
  return desired;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** The fields whose stored value differs from the desired one (empty: nothing to do). */
export function definitionChanges(
  desired: Record<string, unknown>,
  current: Record<string, unknown>,
): FieldChange[] {
  const changes: FieldChange[] = [];
  const fields = new Set([...Object.keys(desired), ...Object.keys(current)]);
  for (const field of [...fields].sort()) {
    if (field === 'hookGroupId' || field === 'hookId') continue;
    if (field === 'config') {
      changes.push(...configChanges(desired, current));
      continue;
    }
    if (!same(desired[field], current[field]))
      changes.push({ field, from: current[field], to: desired[field] });
  }
  return changes;
}

function configChanges(desired: Record<string, unknown>, current: Record<string, unknown>): FieldChange[] {
  const wanted = desired.config as Record<string, unknown> | undefined;
  if (wanted === undefined) return [];
  const stored = (current.config ?? {}) as Record<string, unknown>;
  const keys = new Set(Object.keys(wanted));
  // Without a hook type nothing adds keys, so a stored key the file dropped is a change.
  if (!desired.hookType) for (const key of Object.keys(stored)) keys.add(key);
  return [...keys]
    .sort()
    .filter((key) => !same(wanted[key], stored[key]))
    .map((key) => ({ field: `config.${key}`, from: stored[key], to: wanted[key] }));
}

/** Every value the wanted object gives is the stored one (objects compared key by key, arrays whole). */
function givesSame(wanted: unknown, stored: unknown): boolean {
  if (wanted && typeof wanted === 'object' && !Array.isArray(wanted)) {
    if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return false;
    const storedObject = stored as Record<string, unknown>;
    return Object.entries(wanted).every(([key, value]) => givesSame(value, storedObject[key]));
  }
  return same(wanted, stored);
}

/**
 * A hook type as its file gives it against the stored one: the API fills in defaults of each config
 * key (`required: false`, …), so the file's values are compared, and the sets of config keys and
 * events must be equal (a key or event the file dropped is a change).
 */
export function hookTypeUnchanged(
  desired: Record<string, unknown>,
  current: Record<string, unknown>,
): boolean {
  const keys = (value: unknown) =>
    Object.keys((value ?? {}) as object)
      .sort()
      .join(',');
  return (
    keys(desired.configuration) === keys(current.configuration) &&
    keys(desired.events) === keys(current.events) &&
    same(desired.description ?? '', current.description ?? '') &&
    givesSame(desired, current)
  );
}
