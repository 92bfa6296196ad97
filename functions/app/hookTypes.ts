import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { conflict, inputError, notFound } from '../core/errors.ts';
import {
  HOOK_TYPE_NAME_PATTERN,
  type HookType,
  hookTypeSchema,
  LIFECYCLE_EVENT_NAMES,
} from '../core/hookType.ts';
import { parseOrThrow } from '../core/validation.ts';
import type { Services } from './services.ts';

/** Managing hook types, by API and from a directory of `<name>.hook/` folders. */

export function checkTypeName(name: string): void {
  if (!HOOK_TYPE_NAME_PATTERN.test(name))
    throw inputError(`hook type name "${name.slice(0, 100)}" must match ^[a-zA-Z0-9-_]{1,100}$`);
}

export async function getHookType(services: Services, name: string): Promise<HookType> {
  checkTypeName(name);
  const type = await services.hookTypes.getHookType(name);
  if (!type) throw notFound(`hook type ${name} does not exist`);
  return type;
}

export async function putHookType(services: Services, name: string, body: unknown): Promise<HookType> {
  checkTypeName(name);
  const parsed = parseOrThrow(hookTypeSchema, body, 'hook type');
  const type: HookType = { ...parsed, name };
  await services.hookTypes.putHookType(type);
  services.logger.info('hook type stored', { hookType: name });
  return type;
}

export async function deleteHookType(services: Services, name: string): Promise<void> {
  await getHookType(services, name);
  const users = (await services.store.listAllHooks()).filter((h) => h.definition.hookType === name);
  if (users.length > 0) {
    const names = users.slice(0, 5).map((h) => `${h.definition.hookGroupId}/${h.definition.hookId}`);
    throw conflict(
      `hook type ${name} is used by ${users.length} hook(s) (${names.join(', ')}); remove them first`,
    );
  }
  await services.hookTypes.deleteHookType(name);
}

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
