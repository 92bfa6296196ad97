import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { awsSignedHeaders } from '../support/stack.ts';
import { listeningUrl } from '../support/listeningUrl.ts';

/**
 * A real local stack in a child process (`infra/local/main.ts`), as `npm start` runs it, for the crash
 * suite: started on a data directory, killed with a signal at any instant, started again on the same
 * directory. The store is a parameter: `CRASH_STORE_ARGS` (store CLI arguments, space-separated,
 * e.g. `--store sqlite`); none means today's default store (dynalite).
 */
export const STORE_ARGS: string[] = (process.env.CRASH_STORE_ARGS ?? '').split(/\s+/).filter(Boolean);

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface StackProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** PutEvents through the EventBridge-compatible endpoint, signed with the root credentials. */
  putEvents(entries: Array<Record<string, unknown>>): Promise<ApiAnswer>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

export async function startStackProcess(dataDir: string, extraArgs: string[] = []): Promise<StackProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'infra/local/main.ts',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--rate-limit',
      '0',
      ...STORE_ARGS,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOOKLINE_PORT: '' } },
  );
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const lines: string[] = [];
  child.stderr!.on('data', (d: Buffer) => lines.push(d.toString()));
  const url = await listeningUrl(child, { timeoutMs: 60_000, log: () => lines.join('\n') });
  const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as {
    clientId: string;
    accessToken: string;
  };
  const authorization = `Bearer ${credentials.clientId}:${credentials.accessToken}`;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/api/hooks/v1${path}`, {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const putEvents = async (entries: Array<Record<string, unknown>>) => {
    const body = JSON.stringify({ Entries: entries });
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
    };
    const signed = await awsSignedHeaders(url, credentials, headers, body);
    const res = await fetch(url, { method: 'POST', headers: signed, body });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: res.headers,
    };
  };
  return {
    url,
    child,
    exited,
    api,
    putEvents,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Processes whose command line contains `marker` (Linux /proc): commands left running are orphans. */
export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes (then throws with `what`). */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${what} did not happen within ${timeoutMs} ms${last ? ` (${(last as Error).message})` : ''}`,
  );
}

/** A hook definition with the given job template. */
export function crashHook(task: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'crash test', description: 'a hook of the crash suite', owner: 'crash@example.com' },
    task,
    ...extra,
  };
}

/** Every run of a hook (all pages). */
export async function allRuns(
  stack: StackProcess,
  g: string,
  h: string,
): Promise<Array<Record<string, unknown>>> {
  const runs: Array<Record<string, unknown>> = [];
  let token: string | undefined;
  do {
    const res = await stack.api(
      'GET',
      `/hooks/${g}/${h}/runs?limit=1000${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`,
    );
    if (res.status !== 200)
      throw new Error(`listing runs of ${g}/${h}: ${res.status} ${JSON.stringify(res.body)}`);
    runs.push(...((res.body.runs as Array<Record<string, unknown>>) ?? []));
    token = res.body.continuationToken as string | undefined;
  } while (token);
  return runs;
}

/** Waits until every run of the hooks is finished; returns them. */
export async function allFinished(
  stack: StackProcess,
  hooks: Array<[string, string]>,
  timeoutMs: number,
): Promise<Array<Record<string, unknown>>> {
  return eventually('every run finished', timeoutMs, async () => {
    const runs = (await Promise.all(hooks.map(([g, h]) => allRuns(stack, g, h)))).flat();
    const stuck = runs.filter((run) => run.status !== 'finished');
    if (stuck.length === 0) return runs;
    const views = await Promise.all(
      stuck.slice(0, 3).map(async (run) => {
        const view = await stack.api('GET', `/runs/${String(run.runId)}`);
        return `${String(run.runId)} listed ${String(run.status)}, read ${view.status} ${JSON.stringify(view.body).slice(0, 300)}`;
      }),
    );
    throw new Error(`${stuck.length} run(s) unfinished: ${views.join('; ')}`);
  });
}
