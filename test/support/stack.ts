import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../functions/adapters/jsonLogger.ts';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../functions/core/sha256.ts';
import type { Credentials } from '../../functions/app/clients.ts';
import type { RunStatusView } from '../../functions/app/runQueries.ts';
import { createLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/localStack.ts';
import { testStore } from './testStore.ts';

/**
 * A real local stack on a free port with its own data directory, and a small HTTP client for it.
 * `api` sends the root client's credentials (Bearer) unless `headers` has its own `authorization`;
 * `authorization: ''` sends none. `apiAs` sends the given credentials (or none, with null).
 */
export interface TestStack extends LocalStack {
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  apiAs<T = Record<string, unknown>>(
    credentials: Credentials | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  /** The root client's credentials (throws when the stack runs without authentication). */
  rootCredentials: Credentials;
  waitForRunFinished(runId: string, timeoutMs?: number): Promise<RunStatusView>;
  logs: ReturnType<typeof memoryLogger>;
  cleanup(): Promise<void>;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export { testStore };

export function tempDataDir(prefix = 'hookline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestStack(options: LocalStackOptions = {}): Promise<TestStack> {
  const logs = memoryLogger();
  const ownDir = options.dataDir === undefined ? tempDataDir() : undefined;
  // Tests poll and fire fast: a limit far above the default unless the test sets its own.
  const stack = await createLocalStack({
    port: 0,
    logger: logs,
    rateLimit: { perSecond: 2000, burst: 4000 },
    store: testStore(),
    ...options,
    dataDir: options.dataDir === undefined ? ownDir : options.dataDir,
  });
  const root = stack.rootCredentials;
  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const own = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
    const sent = { ...headers };
    if (own !== undefined && sent[own] === '') delete sent[own];
    const auth: Record<string, string> = own === undefined && root ? { authorization: bearer(root) } : {};
    const res = await fetch(`${stack.url}/api/hooks/v1${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...auth, ...sent },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  const waitForRunFinished = async (runId: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await api<RunStatusView>('GET', `/runs/${runId}`);
      if (res.status === 200 && res.body.status === 'finished') return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
  };
  const apiAs = <T>(
    credentials: Credentials | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => api<T>(method, path, body, { ...headers, authorization: credentials ? bearer(credentials) : '' });
  const testStack = Object.assign(stack, {
    api,
    apiAs,
    waitForRunFinished,
    logs,
    cleanup: async () => {
      await stack.stop();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  });
  Object.defineProperty(testStack, 'rootCredentials', {
    get: () => {
      if (!root) throw new Error('this stack runs without authentication (or lost its credentials file)');
      return root;
    },
  });
  return testStack as TestStack;
}

/** The Authorization header value for Bearer credentials. */
export function bearer(credentials: Credentials): string {
  return `Bearer ${credentials.clientId}:${credentials.accessToken}`;
}

export { hookBody } from './hookBody.ts';

/**
 * Headers for a raw request to the local EventBridge-compatible endpoint (`POST /`), signed with AWS
 * SigV4 as the AWS SDK signs (accessKeyId = clientId, secretAccessKey = access token).
 */
export async function awsSignedHeaders(
  url: string,
  credentials: Credentials,
  headers: Record<string, string>,
  body: string,
  options: { signingDate?: Date; region?: string } = {},
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: 'events',
    region: options.region ?? 'eu-west-1',
    credentials: { accessKeyId: credentials.clientId, secretAccessKey: credentials.accessToken },
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      path: target.pathname,
      query: {},
      headers: { ...headers, host: target.host },
      body,
    },
    { signingDate: options.signingDate },
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) if (name !== 'host') out[name] = String(value);
  return out;
}

/**
 * An unchanged AWS SDK EventBridge client pointed at a local stack's EventBridge-compatible endpoint,
 * signing (SigV4) with the given client's credentials (the root client's by default).
 */
export function eventBridgeClientFor(stack: LocalStack, credentials?: Credentials): EventBridgeClient {
  const signer = credentials ?? stack.rootCredentials;
  if (!signer) throw new Error('this stack runs without authentication: pass credentials');
  return new EventBridgeClient({
    endpoint: stack.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: signer.clientId, secretAccessKey: signer.accessToken },
    maxAttempts: 1,
  });
}
