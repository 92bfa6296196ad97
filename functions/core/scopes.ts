/**
 * Taskcluster's scopes. A scope is a string; a held scope ending in `*` matches every scope that
 * starts with the text before the `*` (so `*` matches everything), and a `*` anywhere else is an
 * ordinary character. Roles (`assume:`) and scope expressions are not part of Hookline.
 */

/** Printable ASCII, as Taskcluster requires; at most 500 characters here. */
export const SCOPE_PATTERN = /^[\x20-\x7e]{0,500}$/;

/** Whether one held scope satisfies the required scope. */
export function scopeMatches(held: string, required: string): boolean {
  if (held === required) return true;
  return held.endsWith('*') && required.startsWith(held.slice(0, -1));
}

/** Whether the held scopes satisfy the required scope. */
export function satisfies(held: readonly string[], required: string): boolean {
  for (const scope of held) if (scopeMatches(scope, required)) return true;
  return false;
}

/** Whether the held scopes satisfy every required scope. */
export function satisfiesAll(held: readonly string[], required: readonly string[]): boolean {
  return required.every((scope) => satisfies(held, scope));
}

/** The required scopes the held scopes do not satisfy, in order, without duplicates. */
export function missingScopes(held: readonly string[], required: readonly string[]): string[] {
  return [...new Set(required.filter((scope) => !satisfies(held, scope)))];
}

/**
 * The smallest equivalent set: duplicates removed, and every scope another held scope already
 * satisfies dropped (`a:*` makes `a:b` redundant). Sorted, for stable storage and comparison.
 */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const unique = [...new Set(scopes)];
  return unique
    .filter((scope) => !unique.some((other) => other !== scope && scopeMatches(other, scope)))
    .sort();
}

/**
 * The scope a client needs, besides `hooks:modify-hook:<g>/<h>`, for the hook it creates or
 * updates to run `command` steps (README, "Authentication"): whoever holds it can run programs.
 */
export function runCommandsScope(hookGroupId: string, hookId: string): string {
  return `hooks:run-commands:${hookGroupId}/${hookId}`;
}
