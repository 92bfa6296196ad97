import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LIFECYCLE_EVENT_NAMES } from '../../core/hookType.ts';
import { putHookType } from '../../app/hookTypes.ts';
import type { Services } from '../../app/services.ts';

/**
 * Hook types from a directory of Razor-style `<name>.hook/` folders (`npm start -- --hook-types DIR`).
 * A local adapter: it reads files, so it stays out of functions/app and out of the Lambda bundles.
 */

/** `run.yaml` → run; `run-finished.yaml` → Run Finished. */
function eventNameOfFile(file: string): string | undefined {
  const match = /^(.+)\.(json|ya?ml)$/.exec(file);
  if (!match || match[1] === 'configuration') return undefined;
  const base = match[1]!;
  if (base === 'run') return 'run';
  return LIFECYCLE_EVENT_NAMES.find((name) => name.toLowerCase().replace(/ /g, '-') === base) ?? base;
}

/**
 * Reads `<dir>/<name>.hook/` folders: `configuration.yaml` (keys → description/default/required/schema)
 * and one JSON-e template file per event (`run.yaml`, `run-finished.json`, ...).
 */
export function readHookTypeDirectory(dir: string): Array<{ name: string; body: unknown }> {
  const types: Array<{ name: string; body: unknown }> = [];
  for (const entry of readdirSync(dir).sort()) {
    const folder = join(dir, entry);
    if (!entry.endsWith('.hook') || !statSync(folder).isDirectory()) continue;
    const name = entry.slice(0, -'.hook'.length);
    const files = readdirSync(folder);
    const configurationFile = files.find((f) => /^configuration\.(ya?ml|json)$/.test(f));
    const configuration = configurationFile
      ? (parseYaml(readFileSync(join(folder, configurationFile), 'utf8')) ?? {})
      : {};
    const events: Record<string, unknown> = {};
    for (const file of files) {
      const event = eventNameOfFile(file);
      if (event) events[event] = parseYaml(readFileSync(join(folder, file), 'utf8'));
    }
    types.push({ name, body: { configuration, events } });
  }
  return types;
}

export async function loadHookTypeDirectory(services: Services, dir: string): Promise<string[]> {
  const loaded: string[] = [];
  for (const { name, body } of readHookTypeDirectory(dir)) {
    try {
      await putHookType(services, name, body);
    } catch (error) {
      throw new Error(`hook type ${name} in ${dir}: ${(error as Error).message}`);
    }
    loaded.push(name);
  }
  return loaded;
}
