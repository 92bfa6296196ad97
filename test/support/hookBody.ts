/**
 * A minimal valid hook definition with the given job template. Its own module (re-exported by
 * test/support/stack.ts) so unit tests take it without importing the local stack.
 */
export function hookBody(task: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'test hook', description: 'a hook made by a test', owner: 'tests@example.com' },
    task,
    ...extra,
  };
}
