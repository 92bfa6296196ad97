import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a command's own directories go (its fresh working directory, the earlier steps' artifacts
 * given to it): under the system's temporary directory, named `<prefix><kind>-XXXXXX`. The default
 * prefix is `hookline-`; a local stack with a data directory passes its own
 * (infra/local/scratchDirectories.ts), so that at its next start it can remove what a crash left
 * behind without touching another stack's directories.
 */
export const DEFAULT_SCRATCH_PREFIX = 'hookline-';

/** The mkdtemp template of a scratch directory of this kind. */
export function scratchTemplate(kind: 'step' | 'artifacts', prefix = DEFAULT_SCRATCH_PREFIX): string {
  return join(tmpdir(), `${prefix}${kind}-`);
}
