import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['./test/setup.ts'],
    // The AWS SDK warns on Node 20 about its 2027 releases; the README says so, the tests need not.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        // In-process tests (no server; each file opens and closes what it uses) share a worker's
        // module cache: importing every module again for each file was most of their time.
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['test/**/*.test.ts'],
          // The crash scenarios take minutes: `npm run test:crash` (vitest.crash.config.ts), run by .ci/run.
          exclude: ['**/node_modules/**', 'test/crash/**', 'test/unit/**'],
        },
      },
    ],
  },
});
