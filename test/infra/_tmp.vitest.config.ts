import { defineConfig } from 'vitest/config';
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  test: { include: ['test/infra/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000, pool: 'forks', maxWorkers: 2 },
});
