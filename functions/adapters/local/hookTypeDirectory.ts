import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { putHookType } from '../../app/hookTypes.ts';
import type { Services } from '../../app/services.ts';
import { eventOfFileBase } from '../../core/hookType.ts';

/**
 * Hook types from a directory of Razor-style `<name>.hook/` folders (`npm start -- --hook-types DIR`).
 * A local adapter: it reads files, so it stays out of functions/app and out of the Lambda bundles.
 *
 * A folder holds `configuration.yaml` (keys → description/default/required/schema) and, per event it
 * handles, either a JSON-e job template (`run.yaml`, `run-finished.json`, ...) or, as in Razor, an
 * executable script named after the event (`run`, `run-finished`, `step-finished`, ...). A script
 * becomes the event's job: one command step running it, with the protocol of every command step
 * (README "Hook types"). A type with scripts runs its hooks' events one at a time (limit 1, queued)
 * unless a hook sets its own `concurrency`.
 */

/** Razor's guarantee for a script folder: a hook's events are processed one at a time. */
export const SCRIPT_FOLDER_CONCURRENCY = { limit: 1, onLimit: 'queue' } as const;

/** Where the CDK app puts a `hookTypesDir` in the command-runner function's code (infra/hookline/commandRunner.ts). */
export const COMMAND_RUNNER_HOOK_TYPES_FOLDER = 'hook-types';
/** The same folder as the command runner sees it (Lambda unpacks code in /var/task): the `scriptRoot` of types for the cloud. */
export const COMMAND_RUNNER_HOOK_TYPES_ROOT = `/var/task/${COMMAND_RUNNER_HOOK_TYPES_FOLDER}`;

export interface HookTypeFolder {
  name: string;
  body: unknown;
  /** The folder, when at least one event runs a script. */
  scriptFolder?: string;
}

export interface ReadOptions {
  /**
   * Where the folders are when the scripts run (default: `dir` itself). The CDK app packages the
   * same folder into the command-runner function (infra/hookline/commandRunner.ts `hookTypesDir`), so
   * types stored for the cloud name the scripts there.
   */
  scriptRoot?: string;
  /** Called once per file named after an event that is neither a template nor executable. */
  onNotExecutable?: (file: string) => void;
}

/** `run.yaml` → run; `run-finished.yaml` → Run Finished; another base is kept so the schema names it. */
function templateEventOfFile(file: string): string | undefined {
  const match = /^(.+)\.(json|ya?ml)$/.exec(file);
  if (!match || match[1] === 'configuration') return undefined;
  return eventOfFileBase(match[1]!) ?? match[1]!;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The job of a script event: one command step running the script by its absolute path (argv, no shell). */
function scriptJob(scriptPath: string, file: string): Record<string, unknown> {
  // The path is a JSON-e template string: `${` would be read as an interpolation. (A function
  // replacement: in a replacement string `$$` would itself mean one `$`, escaping nothing.)
  return { task: { name: file, command: [scriptPath.replaceAll('${', () => '$${')] } };
}

function readFolder(dir: string, entry: string, options: ReadOptions): HookTypeFolder {
  const folder = join(dir, entry);
  const name = entry.slice(0, -'.hook'.length);
  const files = readdirSync(folder).sort();
  const configurationFile = files.find((f) => /^configuration\.(ya?ml|json)$/.test(f));
  const configuration = configurationFile
    ? (parseYaml(readFileSync(join(folder, configurationFile), 'utf8')) ?? {})
    : {};
  const events: Record<string, unknown> = {};
  const fileOfEvent = new Map<string, string>();
  const claim = (event: string, file: string) => {
    const other = fileOfEvent.get(event);
    if (other)
      throw new Error(
        `hook type ${name}: ${other} and ${file} both handle "${event}"; keep one (a script or a template per event)`,
      );
    fileOfEvent.set(event, file);
  };
  let scripts = 0;
  for (const file of files) {
    const templateEvent = templateEventOfFile(file);
    if (templateEvent) {
      claim(templateEvent, file);
      events[templateEvent] = parseYaml(readFileSync(join(folder, file), 'utf8'));
      continue;
    }
    const scriptEvent = eventOfFileBase(file);
    if (!scriptEvent) continue;
    if (!isExecutableFile(join(folder, file))) {
      options.onNotExecutable?.(join(folder, file));
      continue;
    }
    claim(scriptEvent, file);
    events[scriptEvent] = scriptJob(join(resolve(options.scriptRoot ?? dir), entry, file), file);
    scripts++;
  }
  if (scripts === 0) return { name, body: { configuration, events } };
  return {
    name,
    body: { configuration, events, concurrency: SCRIPT_FOLDER_CONCURRENCY },
    scriptFolder: resolve(folder),
  };
}

/** Reads the `<name>.hook/` folders of `dir`; a folder with a script and a template for one event is an error naming both. */
export function readHookTypeDirectory(dir: string, options: ReadOptions = {}): HookTypeFolder[] {
  const types: HookTypeFolder[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.hook') || !statSync(join(dir, entry)).isDirectory()) continue;
    types.push(readFolder(dir, entry, options));
  }
  return types;
}

/** Stores the directory's hook types (replacing those of the same names); answers their names. */
export async function loadHookTypeDirectory(
  services: Services,
  dir: string,
  options: Pick<ReadOptions, 'scriptRoot'> = {},
): Promise<string[]> {
  const loaded: string[] = [];
  const folders = readHookTypeDirectory(dir, {
    ...options,
    onNotExecutable: (file) =>
      services.logger.warn('hook type script is not executable; its event is not handled (chmod +x it)', {
        script: file,
      }),
  });
  for (const { name, body, scriptFolder } of folders) {
    try {
      await putHookType(services, name, body, scriptFolder);
    } catch (error) {
      throw new Error(`hook type ${name} in ${dir}: ${(error as Error).message}`);
    }
    loaded.push(name);
  }
  return loaded;
}
