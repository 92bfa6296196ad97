import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveredEvent } from '../../functions/app/fireFromSources.ts';
import type { EventOutbox } from '../../functions/ports/eventOutbox.ts';
import { openStores, type StoreKind } from '../../infra/local/stores.ts';
import { CONTRACT_ADAPTERS, manualClock, uniqueId } from './adapters.ts';

/**
 * The EventOutbox port's contract (the local EventBridge endpoint's outbox), for the local stores:
 * stored in acceptance order, listed oldest first up to a limit, removed one by one, and kept across a
 * restart by the stores on disk. Not run against a shared real table (the outbox is one partition).
 */
function event(detail: Record<string, unknown>): DeliveredEvent {
  return {
    id: uniqueId('event'),
    source: 'contract.test',
    'detail-type': 'Contract',
    detail,
    time: '2030-01-01T00:00:00Z',
    resources: ['arn:aws:s3:::bucket'],
  };
}

for (const adapter of CONTRACT_ADAPTERS.filter((a) => !a.shared)) {
  describe(`EventOutbox contract: ${adapter.name}`, () => {
    let outbox: EventOutbox;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const opened = await adapter.open(manualClock());
      outbox = opened.outbox;
      close = opened.close;
    });
    afterAll(async () => {
      await close?.();
    });

    it('lists in acceptance order up to the limit; removes one entry at a time', async () => {
      expect(await outbox.list(10)).toEqual([]);
      const first = await outbox.add([event({ n: 1 }), event({ n: 2, nested: { list: [1, null, 'x'] } })]);
      const second = await outbox.add([event({ n: 3 })]);
      expect(first.map((e) => e.event.detail.n)).toEqual([1, 2]);
      const all = [...first, ...second];
      expect(new Set(all.map((e) => e.position)).size).toBe(3);
      expect(await outbox.list(10)).toEqual(all);
      expect(await outbox.list(2)).toEqual(all.slice(0, 2));
      await outbox.remove(all[1]!);
      expect(await outbox.list(10)).toEqual([all[0], all[2]]);
      await outbox.remove(all[1]!); // absent: nothing
      await outbox.remove(all[0]!);
      await outbox.remove(all[2]!);
      expect(await outbox.list(10)).toEqual([]);
      expect(await outbox.add([])).toEqual([]);
    });

    it('many entries added at once keep their order', async () => {
      const added = await outbox.add(Array.from({ length: 30 }, (_, n) => event({ n })));
      expect((await outbox.list(100)).map((e) => e.event.detail.n)).toEqual(
        Array.from({ length: 30 }, (_, n) => n),
      );
      for (const entry of added) await outbox.remove(entry);
      expect(await outbox.list(100)).toEqual([]);
    });
  });
}

const ON_DISK: StoreKind[] = ['sqlite', 'dynamodb'];
for (const store of ON_DISK) {
  describe(`EventOutbox contract: ${store} on disk`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-outbox-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('entries stored before a restart are listed after it, in order; positions keep growing', async () => {
      const clock = manualClock();
      const before = await openStores({ store, dataDir: dir, clock });
      let kept: Awaited<ReturnType<EventOutbox['add']>>;
      try {
        const added = await before.outbox.add([event({ n: 1 }), event({ n: 2 }), event({ n: 3 })]);
        await before.outbox.remove(added[0]!);
        kept = added.slice(1);
      } finally {
        await before.close();
      }
      const after = await openStores({ store, dataDir: dir, clock });
      try {
        expect(await after.outbox.list(10)).toEqual(kept);
        const later = await after.outbox.add([event({ n: 4 })]);
        expect(await after.outbox.list(10)).toEqual([...kept, ...later]);
      } finally {
        await after.close();
      }
    });
  });
}
