import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { LocalInputError } from './errors.ts';
import { parseJson, readTextFile } from './input.ts';
import { parseYamlItems } from './yamlValue.ts';

/**
 * Hook files (what `hookline apply -f` reads and `hookline export` writes): YAML or JSON, each file one
 * item or a list of them (YAML may also hold several documents). An item is a hook — a definition as for
 * `PUT /hooks/{g}/{h}` with its `hookGroupId` and `hookId` (and optionally `kind: Hook`) — or a hook
 * type: `kind: HookType` with its `name` and the body of `PUT /hook-types/{name}`.
 */
export interface HookFileEntry {
  hookGroupId: string;
  hookId: string;
  /** The definition as written (ids included). */
  definition: Record<string, unknown>;
  /** `file` or `file:line` where it was defined. */
  origin: string;
}

export interface HookTypeFileEntry {
  name: string;
  /** The body of PUT /hook-types/{name}. */
  definition: Record<string, unknown>;
  origin: string;
}

const HOOK_FILE_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** The hook files a path names: the file itself, or every .yaml/.yml/.json under a directory (sorted). */
export function hookFilesAt(path: string): string[] {
  const full = resolve(process.cwd(), path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(full);
  } catch {
    throw new LocalInputError(`${path}: no such file or directory`);
  }
  if (!stat.isDirectory()) return [path];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const child = join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (HOOK_FILE_EXTENSIONS.has(extname(entry.name).toLowerCase()))
        found.push(relative(process.cwd(), child) || child);
    }
  };
  walk(full);
  if (found.length === 0) throw new LocalInputError(`${path} holds no .yaml, .yml or .json files`);
  return found;
}

export interface HookFiles {
  hooks: HookFileEntry[];
  hookTypes: HookTypeFileEntry[];
}

/** Everything the files define; a hook (or hook type) defined twice is refused (which one would win?). */
export function readHookFiles(paths: string[]): HookFiles {
  const found: HookFiles = { hooks: [], hookTypes: [] };
  const seen = new Map<string, string>();
  for (const file of paths.flatMap(hookFilesAt)) {
    for (const item of readHookFile(file)) {
      const key = item.kind === 'hook' ? `hook ${item.hookGroupId}/${item.hookId}` : `hook type ${item.name}`;
      const earlier = seen.get(key);
      if (earlier) throw new LocalInputError(`${item.origin}: ${key} is already defined at ${earlier}`);
      seen.set(key, item.origin);
      if (item.kind === 'hook') {
        const { kind: _kind, ...entry } = item;
        found.hooks.push(entry);
      } else {
        const { kind: _kind, ...entry } = item;
        found.hookTypes.push(entry);
      }
    }
  }
  return found;
}

function readHookFile(file: string): FileItem[] {
  const text = readTextFile(file);
  if (extname(file).toLowerCase() === '.json') {
    const value = parseJson(text, file);
    const items = Array.isArray(value) ? value : [value];
    return items.map((item, i) => toItem(item, Array.isArray(value) ? `${file}[${i}]` : file));
  }
  return parseYamlItems(text, file).map((item) => toItem(item.value, `${file}:${item.line}`));
}

type FileItem = ({ kind: 'hook' } & HookFileEntry) | ({ kind: 'hookType' } & HookTypeFileEntry);

function toItem(value: unknown, origin: string): FileItem {
  if (value && typeof value === 'object' && (value as Record<string, unknown>).kind === 'HookType') {
    const { kind: _kind, name, ...definition } = value as Record<string, unknown>;
    if (typeof name !== 'string' || name === '')
      throw new LocalInputError(`${origin}: the hook type has no "name"`);
    return { kind: 'hookType', name, definition, origin };
  }
  return { kind: 'hook', ...toEntry(value, origin) };
}

function toEntry(value: unknown, origin: string): HookFileEntry {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new LocalInputError(`${origin}: expected a hook (an object with hookGroupId, hookId, metadata, …)`);
  const { kind, ...definition } = value as Record<string, unknown>;
  if (kind !== undefined && kind !== 'Hook')
    throw new LocalInputError(`${origin}: kind must be Hook or HookType, not ${JSON.stringify(kind)}`);
  for (const field of ['hookGroupId', 'hookId'] as const) {
    if (typeof definition[field] !== 'string' || definition[field] === '')
      throw new LocalInputError(
        `${origin}: the hook has no "${field}" (each hook in a file names its ${field})`,
      );
  }
  return {
    hookGroupId: definition.hookGroupId as string,
    hookId: definition.hookId as string,
    definition,
    origin,
  };
}

/** Hook definitions as a YAML hook file (what `export` prints), ids first. */
export function hookFileText(definitions: Array<Record<string, unknown>>): string {
  const ordered = definitions.map(({ hookGroupId, hookId, ...rest }) => ({ hookGroupId, hookId, ...rest }));
  return stringify(ordered, { lineWidth: 0 });
}
