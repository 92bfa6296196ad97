import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/** `npm run test:crash`: the kill -9 / SIGTERM scenarios of test/crash/ (minutes; not part of `npm test`). */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/crash/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
