/**
 * Embedding Hookline: `import { createLocalStack } from 'hookline'` gives the running local stack,
 * with in-process callbacks (`on`, `off`, `call`), local functions for `lambda` steps, and stop().
 */
export { createLocalStack, type LocalStack, type LocalStackOptions } from './localStack.ts';
export type { Callback } from '../../functions/app/callbackRegistry.ts';
