import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactDirectory } from '../../../../functions/adapters/local/artifactDirectory.ts';
import type { ArtifactRecord } from '../../../../functions/core/artifacts.ts';

/** The local ArtifactStore (functions/adapters/local/artifactDirectory.ts): layout, reads, expiry sweep. */
let root: string;
let store: ArtifactDirectory;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hookline-artifact-dir-'));
  store = new ArtifactDirectory(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const record = (name: string, expiresAt: number): ArtifactRecord => ({
  name,
  path: name,
  size: 5,
  sha256: 'x',
  contentType: 'text/plain',
  expiresAt,
});

async function keep(runId: string, index: number, files: Record<string, number>) {
  const target = await store.uploadTarget(runId, index);
  expect(target).toEqual({ kind: 'directory', path: join(root, runId, String(index)) });
  mkdirSync((target as { path: string }).path, { recursive: true });
  for (const name of Object.keys(files)) writeFileSync(join(root, runId, String(index), name), `${name}!`);
  await store.recordExpiry(
    runId,
    index,
    Object.entries(files).map(([name, at]) => record(name, at)),
  );
}

describe('ArtifactDirectory', () => {
  it('puts a step’s files under <root>/<runId>/<index>/ and their expiry beside them', async () => {
    await keep('run-a', 0, { 'report.txt': 100, 'log.txt': 200 });
    expect(JSON.parse(readFileSync(join(root, 'run-a', '0.expiry.json'), 'utf8'))).toEqual({
      'report.txt': 100,
      'log.txt': 200,
    });
  });

  it('refuses a run id that could leave the root', async () => {
    await expect(store.uploadTarget('../escape', 0)).rejects.toThrow('not a run id: ../escape');
    await expect(store.recordExpiry('a/b', 0, [])).rejects.toThrow('not a run id');
  });

  it('gives later steps the files by path, and reads one as a stream with its size', async () => {
    expect(await store.sourcesFor('run-a', [{ index: 0, record: record('report.txt', 100) }])).toEqual([
      { name: 'report.txt', source: { kind: 'file', path: join(root, 'run-a', '0', 'report.txt') } },
    ]);
    const content = await store.read('run-a', 0, record('report.txt', 100));
    expect(content).toMatchObject({ kind: 'stream', size: 11 });
    const text = await new Response((content as { body: ReadableStream<Uint8Array> }).body).text();
    expect(text).toBe('report.txt!');
    expect(await store.read('run-a', 0, record('missing.txt', 100))).toBeUndefined();
  });

  it('the sweep removes expired files and every file of a run whose records are gone', async () => {
    await keep('run-b', 1, { 'old.txt': 50, 'new.txt': 500 });
    await keep('run-gone', 0, { 'a.txt': 10_000 });
    const removed = await store.sweep(150, async (runId) => runId !== 'run-gone');
    // run-a: report.txt (100) expired, log.txt (200) kept; run-b: old.txt; run-gone: the whole run
    expect(removed).toBe(3);
    expect(existsSync(join(root, 'run-a', '0', 'report.txt'))).toBe(false);
    expect(existsSync(join(root, 'run-a', '0', 'log.txt'))).toBe(true);
    expect(existsSync(join(root, 'run-b', '1', 'old.txt'))).toBe(false);
    expect(existsSync(join(root, 'run-b', '1', 'new.txt'))).toBe(true);
    expect(existsSync(join(root, 'run-gone'))).toBe(false);
    expect(JSON.parse(readFileSync(join(root, 'run-b', '1.expiry.json'), 'utf8'))).toEqual({
      'new.txt': 500,
    });
    // nothing more to do
    expect(await store.sweep(150, async () => true)).toBe(0);
  });

  it('a sweep of a root that does not exist yet removes nothing', async () => {
    expect(await new ArtifactDirectory(join(root, 'never')).sweep(0, async () => true)).toBe(0);
  });
});
