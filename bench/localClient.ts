import { createLocalStack, type LocalStack, type LocalStackOptions } from '../infra/local/localStack.ts';

/** A tiny client for benchmarks: the local stack's API with the root credentials. */
export function apiClient(stack: LocalStack) {
  const credentials = stack.rootCredentials;
  const authorization = credentials ? `Bearer ${credentials.clientId}:${credentials.accessToken}` : undefined;
  return async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${stack.url}/api/hooks/v1${path}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The stack every bench section measures: in memory, quiet, no rate limit; `options` add to it. */
export function benchStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return createLocalStack({ port: 0, dataDir: null, logger: quietLogger, rateLimit: false, ...options });
}
