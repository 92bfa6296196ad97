import { it } from 'vitest';
import { startTestStack } from './support/stack.ts';
it('routes', async () => {
  const s = await startTestStack({ dataDir: null });
  for (const r of s.app.routes) console.log(r.method, r.path);
  await s.cleanup();
});
