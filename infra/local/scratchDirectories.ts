import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCRATCH_PREFIX } from '../../functions/runners/scratchDirectory.ts';

/**
 * The commands of a stack with a data directory keep their own directories (a step's fresh working
 * directory, the artifacts given to it; functions/runners/scratchDirectory.ts) under the system's
 * temporary directory, named after that data directory: `hookline-<12 hex digits>-step-XXXXXX`. They
 * stay in the temporary directory, which a `--run-as` user can reach (the data directory is the
 * server user's alone). Each is removed when its command ends; a stack killed meanwhile leaves some
 * behind, and the next start on the same data directory (which holds its lock, so no other stack uses
 * the prefix) removes them before anything runs. A stack in memory uses the shared default prefix and
 * removes nothing at start.
 */
export function scratchPrefixFor(dataDir: string | null): string {
  if (!dataDir) return DEFAULT_SCRATCH_PREFIX;
  const tag = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return `${DEFAULT_SCRATCH_PREFIX}${tag}-`;
}

/** Removes what earlier runs of this data directory's stack left in the temporary directory: their names. */
export function removeLeftoverScratch(prefix: string, root = tmpdir()): string[] {
  if (prefix === DEFAULT_SCRATCH_PREFIX) return [];
  const leftovers = readdirSync(root).filter((name) => name.startsWith(prefix));
  for (const name of leftovers) rmSync(join(root, name), { recursive: true, force: true });
  return leftovers;
}
