import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  COMMAND_RUNNER_HOOK_TYPES_ROOT,
  readHookTypeDirectory,
} from '../functions/adapters/local/hookTypeDirectory.ts';
import { hookTypeSchema } from '../functions/core/hookType.ts';
import { parseOrThrow } from '../functions/core/validation.ts';

/**
 * The construct's `hookTypesDir` for the api function: the `<name>.hook/` folders read at synth
 * (a bad folder fails the synth, naming it), their scripts named where the command runner has
 * them (COMMAND_RUNNER_HOOK_TYPES_ROOT), written to one JSON file the api function stores at cold
 * start (functions/adapters/aws/hookTypeCatalog.ts).
 */
export const HOOK_TYPE_CATALOG_FOLDER = 'hook-type-catalog';
export const HOOK_TYPE_CATALOG_FILE = `/var/task/${HOOK_TYPE_CATALOG_FOLDER}/hook-types.json`;

export function hookTypeCatalogDir(hookTypesDir: string): string {
  const types = readHookTypeDirectory(hookTypesDir, { scriptRoot: COMMAND_RUNNER_HOOK_TYPES_ROOT }).map(
    (type) => {
      try {
        parseOrThrow(hookTypeSchema, type.body, 'hook type');
      } catch (error) {
        throw new Error(`hookTypesDir ${hookTypesDir}: hook type ${type.name}: ${(error as Error).message}`);
      }
      return {
        ...type,
        ...(type.scriptFolder
          ? { scriptFolder: path.posix.join(COMMAND_RUNNER_HOOK_TYPES_ROOT, `${type.name}.hook`) }
          : {}),
      };
    },
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'hookline-hook-type-catalog-'));
  writeFileSync(path.join(dir, path.basename(HOOK_TYPE_CATALOG_FILE)), JSON.stringify(types));
  return dir;
}
