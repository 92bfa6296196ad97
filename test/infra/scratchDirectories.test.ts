import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCRATCH_PREFIX } from '../../functions/runners/scratchDirectory.ts';
import { removeLeftoverScratch, scratchPrefixFor } from '../../infra/local/scratchDirectories.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("a stack's command directories", () => {
  it('are named after the data directory: the same one gives the same prefix, another another', () => {
    const prefix = scratchPrefixFor('/srv/hookline/a');
    expect(prefix).toMatch(/^hookline-[0-9a-f]{12}-$/);
    expect(scratchPrefixFor('/srv/hookline/a')).toBe(prefix);
    expect(scratchPrefixFor('/srv/hookline/b')).not.toBe(prefix);
    expect(scratchPrefixFor(null)).toBe(DEFAULT_SCRATCH_PREFIX);
  });

  it('left behind are removed, with their contents; nothing of another stack or of the shared prefix is touched', () => {
    const root = mkdtempSync(join(tmpdir(), 'hookline-scratch-test-'));
    roots.push(root);
    const mine = scratchPrefixFor('/srv/hookline/a');
    const theirs = scratchPrefixFor('/srv/hookline/b');
    for (const name of [`${mine}step-1`, `${mine}artifacts-2`, `${theirs}step-3`, 'hookline-step-4']) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'file'), 'x');
    }
    expect(removeLeftoverScratch(mine, root).sort()).toEqual([`${mine}artifacts-2`, `${mine}step-1`]);
    expect(existsSync(join(root, `${mine}step-1`))).toBe(false);
    expect(existsSync(join(root, `${theirs}step-3`))).toBe(true);
    expect(existsSync(join(root, 'hookline-step-4'))).toBe(true);
    expect(removeLeftoverScratch(DEFAULT_SCRATCH_PREFIX, root)).toEqual([]);
    expect(existsSync(join(root, 'hookline-step-4'))).toBe(true);
  });
});
