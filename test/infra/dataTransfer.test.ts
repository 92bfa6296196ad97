import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runDataCommand as runCli } from '../../infra/local/dataCommand.ts';
import { exportRecords, importRecords } from '../../infra/local/dataTransfer.ts';
import { createLocalStack } from '../../infra/local/localStack.ts';
import { openStores, type StoreKind } from '../../infra/local/stores.ts';
import { hookBody, startTestStack, tempDataDir } from '../support/stack.ts';
import { EVERY_ARCHIVED_KIND } from '../unit/adapters/archiveFixture.ts';

/**
 * `hookline export` / `import` (infra/local/dataTransfer.ts): a round trip dynalite → SQLite → dynalite
 * gives the same records byte for byte, and the stack on the imported data serves them with the same
 * credentials (service.key travels with the dump). Also: the upgrade refusal at start.
 */
const dirs: string[] = [];
function dir(): string {
  const d = tempDataDir('hookline-transfer-');
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function dump(store: StoreKind, dataDir: string): Promise<{ header: string; records: string[] }> {
  const lines: string[] = [];
  await exportRecords({ store, dataDir }, (line) => {
    lines.push(line);
  });
  const text = lines.join('');
  const [header, ...records] = text.trimEnd().split('\n');
  return { header: header!, records: records.sort() };
}

describe('export and import', () => {
  it('round-trips every kind of record dynalite → SQLite → dynalite, byte-identical', async () => {
    const source = dir();
    const stack = await startTestStack({ dataDir: source, store: 'dynamodb' });
    const credentials = stack.rootCredentials;
    expect(
      (await stack.api('PUT', '/hooks/move/me', hookBody({ task: { name: 'say', command: ['echo', 'hi'] } })))
        .status,
    ).toBe(200);
    const fired = await stack.api<{ runId: string }>(
      'POST',
      '/hooks/move/me/trigger',
      {},
      { 'idempotency-key': 'k' },
    );
    await stack.waitForRunFinished(fired.body.runId);
    expect((await stack.api('PUT', '/clients/mover', { scopes: ['hooks:get:*'] })).status).toBe(200);
    await stack.cleanup();
    // the kinds the API run above did not leave behind, through the ports
    const stores = await openStores({ store: 'dynamodb', dataDir: source, clock: { now: () => new Date() } });
    await stores.concurrency.putSemaphore(
      'move',
      'me',
      { holders: { r1: 1_900_000_000_000 }, version: 1 },
      0,
    );
    await stores.concurrency.enqueue('move', 'me', { runId: 'r2', position: '2030-01-01T00:00:00.000Z#r2' });
    await stores.clients.claimNonce('mover', 'nonce-1', 2_000_000_000);
    // events accepted and not yet delivered, in acceptance order
    const outboxEvents = [3, 1, 2].map((n) => ({
      id: `event-${n}`,
      source: 'mover.test',
      'detail-type': 'Moved',
      detail: { n },
    }));
    await stores.outbox.add(outboxEvents.slice(0, 2));
    await stores.outbox.add(outboxEvents.slice(2));
    await stores.hookTypes.putHookType({ name: 'mover-type', description: 'd' } as never);
    expect(
      await stores.store.createRun({
        run: {
          runId: 'unfinished-run',
          hookGroupId: 'move',
          hookId: 'me',
          firedBy: 'triggerHook',
          status: 'pending',
          result: null,
          createdAt: '2030-01-01T00:00:00.000Z',
          job: {} as never,
          depth: 0,
        },
        steps: [],
        fire: {
          hookGroupId: 'move',
          hookId: 'me',
          firedBy: 'triggerHook',
          time: '2030-01-01T00:00:00.000Z',
          runId: 'unfinished-run',
          result: 'success',
        },
      }),
    ).toEqual({ kind: 'created' });
    await stores.close();

    const first = await dump('dynamodb', source);
    const kinds = new Set(first.records.map((line) => (JSON.parse(line) as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(EVERY_ARCHIVED_KIND);
    expect(JSON.parse(first.header)).toMatchObject({
      format: 'hookline-export',
      version: 1,
      store: 'dynamodb',
    });

    const target = dir();
    const dumpText = `${first.header}\n${first.records.join('\n')}\n`;
    expect(await importRecords({ store: 'sqlite', dataDir: target }, Readable.from([dumpText]))).toBe(
      first.records.length,
    );
    const second = await dump('sqlite', target);
    expect(second.records).toEqual(first.records);

    const back = dir();
    await importRecords(
      { store: 'dynamodb', dataDir: back },
      Readable.from([`${second.header}\n${second.records.join('\n')}\n`]),
    );
    expect((await dump('dynamodb', back)).records).toEqual(first.records);
    // the busy-hook index is not exported: an import marks the hook with a holder and a queued run again
    for (const [store, dataDir] of [
      ['sqlite', target],
      ['dynamodb', back],
    ] as const) {
      const imported = await openStores({ store, dataDir, clock: { now: () => new Date() } });
      try {
        expect(await imported.concurrency.listBusyHooks()).toEqual([{ hookGroupId: 'move', hookId: 'me' }]);
        expect((await imported.outbox.list(10)).map((entry) => entry.event)).toEqual(outboxEvents);
        // the trigger's Idempotency-Key kept its payload fingerprint
        expect(await imported.store.findIdempotentRun('move', 'me', 'k')).toEqual({
          runId: fired.body.runId,
          fingerprint: expect.any(String),
        });
      } finally {
        await imported.close();
      }
    }

    // the imported data with its service.key and credentials: the same root token works, the hook is there
    copyFileSync(join(source, 'service.key'), join(target, 'service.key'));
    copyFileSync(join(source, 'credentials.json'), join(target, 'credentials.json'));
    const moved = await startTestStack({ dataDir: target, store: 'sqlite' });
    try {
      expect(moved.rootCredentials).toEqual(credentials);
      expect((await moved.api('GET', '/hooks/move/me')).status).toBe(200);
      const run = await moved.api<{ status: string }>('GET', `/runs/${fired.body.runId}`);
      expect(run.body.status).toBe('finished');
      const again = await moved.api<{ runId: string }>(
        'POST',
        '/hooks/move/me/trigger',
        {},
        { 'idempotency-key': 'k' },
      );
      expect(again.body.runId).toBe(fired.body.runId);
    } finally {
      await moved.cleanup();
    }
  }, 60_000);

  it('refuses to import into a store that is not empty, or a dump that is not one', async () => {
    const target = dir();
    const stores = await openStores({ store: 'sqlite', dataDir: target, clock: { now: () => new Date() } });
    await stores.hookTypes.putHookType({ name: 'there' } as never);
    await stores.close();
    const header =
      '{"format":"hookline-export","version":1,"exportedAt":"2030-01-01T00:00:00.000Z","store":"sqlite"}';
    await expect(
      importRecords({ store: 'sqlite', dataDir: target }, Readable.from([`${header}\n`])),
    ).rejects.toThrow(/not empty/);
    const empty = dir();
    for (const [text, message] of [
      ['', /empty/],
      ['{"format":"other"}\n', /line 1 is not a header/],
      [`${header}\nnot json\n`, /line 2 is not JSON/],
      [`${header}\n{"kind":"hook","record":{}}\n`, /line 2 is not a record: record.definition/],
      [`${header}\n{"kind":"spaceship"}\n`, /line 2 is not a record/],
      [
        `${header}\n{"kind":"hawkNonce","clientId":"c","nonce":"n","expiresAt":-1}\n`,
        /line 2 is not a record: expiresAt/,
      ],
    ] as const) {
      await expect(importRecords({ store: 'sqlite', dataDir: empty }, Readable.from([text]))).rejects.toThrow(
        message,
      );
    }
    // nothing was written by a refused import
    const stillEmpty = await openStores({
      store: 'sqlite',
      dataDir: empty,
      clock: { now: () => new Date() },
    });
    expect(await stillEmpty.archive.isEmpty()).toBe(true);
    await stillEmpty.close();
  });

  it('refuses to export while a stack holds the data directory', async () => {
    const running = dir();
    const stack = await startTestStack({ dataDir: running, store: 'sqlite' });
    try {
      await expect(dump('sqlite', running)).rejects.toThrow(/in use by another process/);
    } finally {
      await stack.cleanup();
    }
    expect((await dump('sqlite', running)).records.length).toBeGreaterThan(0);
  });
});

describe('the CLI', () => {
  it('`export --data-dir D` and `import --data-dir D2` carry the records over; bad usage is refused', async () => {
    const source = dir();
    const stores = await openStores({ store: 'sqlite', dataDir: source, clock: { now: () => new Date() } });
    await stores.hookTypes.putHookType({ name: 'cli-type', description: 'by the CLI' } as never);
    await stores.close();
    const out: string[] = [];
    const err: string[] = [];
    const io = (stdin = '') => ({
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      stdin: () => Readable.from([stdin]),
      env: {},
    });
    expect(await runCli(['export', '--data-dir', source], io())).toBe(0);
    const text = out.join('');
    expect(text.split('\n')[1]).toBe(
      '{"kind":"hookType","record":{"description":"by the CLI","name":"cli-type"}}',
    );
    const target = dir();
    expect(await runCli(['import', '--data-dir', target, '--store', 'dynamodb'], io(text))).toBe(0);
    expect(err.join('')).toMatch(/imported 1 records/);
    expect((await dump('dynamodb', target)).records).toEqual((await dump('sqlite', source)).records);
    expect(await runCli(['import', '--data-dir', target, '--store', 'dynamodb'], io(text))).toBe(1);
    expect(err.join('')).toMatch(/import failed: .* is not empty/);
    expect(await runCli(['export', '--data-dir', source, '--store', 'mysql'], io())).toBe(1);
    expect(err.join('')).toMatch(/unknown store "mysql"/);
  });
});

describe('upgrade from a dynalite data directory', () => {
  it('the SQLite stack stops at once and says how to bring the data over', async () => {
    const old = dir();
    mkdirSync(join(old, 'dynamodb'));
    const started = createLocalStack({ dataDir: old, port: 0, store: 'sqlite' });
    await expect(started).rejects.toThrow(/--store dynamodb/);
    await expect(started).rejects.toThrow(/hookline data export --data-dir .* --store dynamodb/);
    await expect(started).rejects.toThrow(/service\.key/);
  });
});
