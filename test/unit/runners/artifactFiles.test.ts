import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectArtifacts } from '../../../functions/runners/artifactFiles.ts';

/** The runner's side of artifacts (functions/runners/artifactFiles.ts), on real files. */
let cwd: string;
let target: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'hookline-artifact-cwd-'));
  target = join(mkdtempSync(join(tmpdir(), 'hookline-artifact-target-')), 'step');
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
  rmSync(join(target, '..'), { recursive: true, force: true });
});

const collect = (declared: Array<{ path: string; name?: string }>, maxBytes = 1024) =>
  collectArtifacts(cwd, { declared, maxBytes, target: { kind: 'directory', path: target } });

describe('collectArtifacts', () => {
  it('copies the files with their SHA-256, globs across directories with **', async () => {
    mkdirSync(join(cwd, 'a/b'), { recursive: true });
    writeFileSync(join(cwd, 'a/b/deep.txt'), 'deep');
    writeFileSync(join(cwd, 'top.txt'), 'top');
    const kept = await collect([{ path: '**/*.txt' }]);
    expect(kept).toEqual({
      ok: true,
      artifacts: [
        {
          name: 'deep.txt',
          path: 'a/b/deep.txt',
          size: 4,
          sha256: createHash('sha256').update('deep').digest('hex'),
          contentType: 'text/plain; charset=utf-8',
        },
        expect.objectContaining({ name: 'top.txt', path: 'top.txt', size: 3 }),
      ],
    });
    expect(readFileSync(join(target, 'deep.txt'), 'utf8')).toBe('deep');
  });

  it('does not follow a symlinked directory out of the working directory', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'hookline-outside-'));
    try {
      writeFileSync(join(outside, 'secret.txt'), 'secret');
      symlinkSync(outside, join(cwd, 'linked'));
      expect(await collect([{ path: '**/*.txt' }])).toEqual({
        ok: false,
        message: 'artifact **/*.txt not found (no file matches)',
      });
      expect(await collect([{ path: 'linked/secret.txt' }])).toEqual({
        ok: false,
        message: 'artifact linked/secret.txt is outside the working directory (refused)',
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('keeps nothing when one declared file is wrong', async () => {
    writeFileSync(join(cwd, 'good.txt'), 'good');
    mkdirSync(join(cwd, 'dir'));
    expect(await collect([{ path: 'good.txt' }, { path: 'dir' }])).toEqual({
      ok: false,
      message: 'artifact dir is not a regular file',
    });
    expect(() => readFileSync(join(target, 'good.txt'))).toThrow();
  });

  it('refuses two files of one name and a file name that cannot be a name', async () => {
    mkdirSync(join(cwd, 'x'));
    writeFileSync(join(cwd, 'a.txt'), '1');
    writeFileSync(join(cwd, 'x/a.txt'), '2');
    writeFileSync(join(cwd, 'with space.txt'), '3');
    expect(await collect([{ path: 'a.txt' }, { path: 'x/a.txt' }])).toEqual({
      ok: false,
      message: 'two artifacts of this step are named a.txt',
    });
    expect(await collect([{ path: 'x/a.txt', name: 'other' }, { path: 'a.txt' }])).toMatchObject({
      ok: true,
    });
    const spaced = await collect([{ path: 'with space.txt' }]);
    expect(spaced).toMatchObject({ ok: false, message: expect.stringContaining('give it a name') });
  });
});
