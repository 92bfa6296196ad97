import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { LocalInputError, UnreachableError } from './errors.ts';

/**
 * Where the stack is and who we are, found the way the AWS CLI finds credentials — the first that gives
 * an answer wins, separately for the URL and the credentials:
 *   1. `--url`, `--client-id`/`--access-token`;
 *   2. `HOOKLINE_URL`, `HOOKLINE_CLIENT_ID`/`HOOKLINE_ACCESS_TOKEN`;
 *   3. an explicit `--profile`/`HOOKLINE_PROFILE` from the config file;
 *   4. the local stack's data directory (`--data-dir`, `HOOKLINE_DATA_DIR`, else `./.hookline`):
 *      `stack.json` (`{url, pid}`, written by the running stack) and `credentials.json`;
 *   5. the `default` profile of `~/.config/hookline/config.json` (`$XDG_CONFIG_HOME` honoured).
 */
export interface GlobalOptions {
  url?: string;
  clientId?: string;
  accessToken?: string;
  dataDir?: string;
  profile?: string;
}

export interface Credentials {
  clientId: string;
  accessToken: string;
}

export interface Target {
  url: string;
  credentials?: Credentials;
  /** Where the URL came from, for messages ("--url", "profile work", ".hookline/stack.json"). */
  source: string;
}

export interface Profile {
  url: string;
  clientId?: string;
  accessToken?: string;
}

interface ConfigFile {
  profiles: Record<string, Profile>;
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'hookline', 'config.json');
}

export function readConfigFile(env: NodeJS.ProcessEnv = process.env): ConfigFile {
  const file = configFilePath(env);
  if (!existsSync(file)) return { profiles: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LocalInputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const profiles = (parsed as { profiles?: unknown })?.profiles;
  if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles))
    throw new LocalInputError(
      `${file} must hold {"profiles": {"<name>": {"url", "clientId", "accessToken"}}}`,
    );
  return { profiles: profiles as Record<string, Profile> };
}

/** Writes one profile (the file and its folder private to the user: 0600 / 0700), atomically. */
export function writeProfile(name: string, profile: Profile, env: NodeJS.ProcessEnv = process.env): string {
  const file = configFilePath(env);
  const config = readConfigFile(env);
  config.profiles[name] = profile;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}

function readJsonFile(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new LocalInputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LocalStackFiles {
  dir: string;
  url?: string;
  credentials?: Credentials;
  /** stack.json names a process that is gone (the stack was killed). */
  stale?: number;
}

function localStackFiles(dir: string): LocalStackFiles {
  const found: LocalStackFiles = { dir };
  const stack = readJsonFile(join(dir, 'stack.json'));
  if (stack && typeof stack.url === 'string') {
    if (typeof stack.pid === 'number' && !processAlive(stack.pid)) found.stale = stack.pid;
    else found.url = stack.url;
  }
  const credentials = readJsonFile(join(dir, 'credentials.json'));
  if (credentials && typeof credentials.clientId === 'string' && typeof credentials.accessToken === 'string')
    found.credentials = { clientId: credentials.clientId, accessToken: credentials.accessToken };
  return found;
}

export function resolveTarget(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Target {
  const explicitProfile = options.profile ?? env.HOOKLINE_PROFILE;
  const profileName = explicitProfile ?? 'default';
  const profile = () => {
    const found = readConfigFile(env).profiles[profileName];
    if (!found && explicitProfile)
      throw new UnreachableError(
        `no profile "${profileName}" in ${configFilePath(env)} (hookline login --profile ${profileName} writes one)`,
      );
    return found;
  };
  const dataDir = options.dataDir ?? env.HOOKLINE_DATA_DIR;
  const local = () => localStackFiles(resolve(cwd, dataDir ?? '.hookline'));

  const clientId = options.clientId ?? env.HOOKLINE_CLIENT_ID;
  const accessToken = options.accessToken ?? env.HOOKLINE_ACCESS_TOKEN;
  if ((clientId === undefined) !== (accessToken === undefined))
    throw new LocalInputError('give both a client id and an access token (--client-id and --access-token)');
  let credentials: Credentials | undefined =
    clientId !== undefined && accessToken !== undefined ? { clientId, accessToken } : undefined;

  let url = options.url ?? env.HOOKLINE_URL;
  let source = options.url ? '--url' : 'HOOKLINE_URL';
  const fromProfile = explicitProfile ? profile() : undefined;
  if (fromProfile) {
    if (!url) {
      url = fromProfile.url;
      source = `profile ${profileName}`;
    }
    if (!credentials && fromProfile.clientId && fromProfile.accessToken)
      credentials = { clientId: fromProfile.clientId, accessToken: fromProfile.accessToken };
  }
  if (!explicitProfile && (!url || !credentials)) {
    const stack = local();
    if (!url && stack.url) {
      url = stack.url;
      source = join(stack.dir, 'stack.json');
    }
    // The local stack's credentials only go to the local stack's URL (or one given explicitly).
    if (!credentials && stack.credentials && url) credentials = stack.credentials;
    if (!url) {
      const fallback = profile();
      if (fallback) {
        url = fallback.url;
        source = `profile ${profileName}`;
        if (!credentials && fallback.clientId && fallback.accessToken)
          credentials = { clientId: fallback.clientId, accessToken: fallback.accessToken };
      } else if (stack.stale !== undefined) {
        throw new UnreachableError(
          `the local stack of ${stack.dir} is not running (its stack.json names process ${stack.stale}, which has ended); start it with npm start`,
        );
      }
    }
  }
  if (!url)
    throw new UnreachableError(
      `no Hookline stack found: give --url (or HOOKLINE_URL), start a local stack here (npm start writes ${join(resolve(cwd, dataDir ?? '.hookline'), 'stack.json')}), or run hookline login`,
    );
  if (!/^https?:\/\/[^\s]+$/.test(url))
    throw new LocalInputError(`"${url}" (${source}) is not an http(s) URL`);
  return { url: url.replace(/\/+$/, ''), credentials, source };
}
