import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, ROOT } from '../../../cli/build.ts';

/**
 * The built `hookline` command run as a child process, as a user runs it: the bundle (cli/build.ts)
 * is built once per test file into a temporary install laid out like the package (bin/ + cli/dist/),
 * and run with a clean environment — no HOOKLINE_* variables, a private config directory — from
 * the directory the test gives (a temporary one by default, never the repository).
 */
export interface HooklineResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Hookline {
  /** The install's bin/hookline.mjs. */
  bin: string;
  /** A directory of its own, used as XDG_CONFIG_HOME and as the default working directory. */
  home: string;
  run(args: string[], options?: RunOptions): Promise<HooklineResult>;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
}

export async function buildHookline(): Promise<Hookline> {
  const install = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
  mkdirSync(join(install, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'hookline.mjs'), join(install, 'bin', 'hookline.mjs'));
  await buildCli(join(install, 'cli', 'dist', 'hookline.mjs'));
  const home = join(install, 'home');
  mkdirSync(home);
  const bin = join(install, 'bin', 'hookline.mjs');
  return { bin, home, run: (args, options = {}) => runNode([bin, ...args], home, options) };
}

/** The environment without the caller's HOOKLINE_* settings. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('HOOKLINE_')) env[key] = value;
  return { ...env, XDG_CONFIG_HOME: home, NO_COLOR: '', ...extra };
}

export function runNode(args: string[], home: string, options: RunOptions = {}): Promise<HooklineResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? home,
      env: cleanEnv(home, options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export { ROOT };
