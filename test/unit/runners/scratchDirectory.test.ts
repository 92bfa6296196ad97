import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRATCH_PREFIX, scratchTemplate } from '../../../functions/runners/scratchDirectory.ts';

describe('scratchTemplate', () => {
  it('names a kind of directory under the system temporary directory, with the default or a given prefix', () => {
    expect(scratchTemplate('step')).toBe(join(tmpdir(), `${DEFAULT_SCRATCH_PREFIX}step-`));
    expect(scratchTemplate('artifacts', 'hookline-0123456789ab-')).toBe(
      join(tmpdir(), 'hookline-0123456789ab-artifacts-'),
    );
  });
});
