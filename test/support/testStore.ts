import { parseStoreKind, type StoreKind } from '../../infra/local/stores.ts';

/**
 * The store tests run on: HOOKLINE_TEST_STORE=sqlite (default) or dynamodb (the DynamoDB adapters
 * on dynalite; `npm run test:dynamodb`, `npm run test:cloud`): the stacks of test/support/stack.ts and
 * the in-process services of test/unit/app/inProcessServices.ts. A test that sets `store` itself keeps its own.
 */
export function testStore(): StoreKind {
  return parseStoreKind(process.env.HOOKLINE_TEST_STORE || 'sqlite');
}
