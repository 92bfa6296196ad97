import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNC_PENDING } from '../../functions/app/syncTriggers.ts';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../support/stack.ts';

/**
 * A stack stopped while a hook change was being applied (the hook stored, marked out of sync, its
 * triggers not yet refreshed) repairs the mark at its next start.
 */
const dataDir = tempDataDir();
let stack: TestStack | undefined;
afterAll(async () => {
  await stack?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('out-of-sync hooks at a local start', () => {
  it('are reconciled: the status no longer says outOfSync', async () => {
    const first = await startTestStack({ dataDir });
    expect(
      (await first.api('PUT', '/hooks/boot/marked', hookBody({ task: { name: 't', command: ['true'] } })))
        .status,
    ).toBe(200);
    // What a stop between the hook's write and its trigger refresh leaves behind.
    const record = (await first.services.store.getHook('boot', 'marked'))!;
    await first.services.store.replaceHook(
      { ...record, outOfSync: [SYNC_PENDING], version: record.version + 1 },
      record.version,
    );
    const marked = await first.api<{ outOfSync?: string[] }>('GET', '/hooks/boot/marked/status');
    expect(marked.body.outOfSync).toEqual([SYNC_PENDING]);
    await first.stop();

    stack = await startTestStack({ dataDir });
    const status = await stack.api<{ outOfSync?: string[] }>('GET', '/hooks/boot/marked/status');
    expect(status.status).toBe(200);
    expect(status.body.outOfSync).toBeUndefined();
  });
});
