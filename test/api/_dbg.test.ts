import { it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
it('dbg', async () => {
  const s = await startTestStack({ dataDir: null });
  console.log(JSON.stringify(s.app.routes.map((r) => `${r.method} ${r.path}`)));
  await s.cleanup();
});
