import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/** `npm run test:crash`: the kill -9 / SIGTERM scenarios of test/crash/ (minutes; not part of `npm test`). */
// The crash scenarios are one suite of their own, not the unit/stack projects of vitest.config.ts.
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  test: {
    ...shared,
    include: ['test/crash/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
