import { createHmac } from 'node:crypto';
import { boundText } from '../core/outputBounds.ts';
import type { Action, ActionOutcome, StopReason } from '../ports/stepActions.ts';

/**
 * The `http` action: a webhook call. Success is a 2xx (or one of `expectStatus`); the response body
 * is kept, bounded. With `sign: true` the request carries
 * `X-Hookline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 */
export const SIGNATURE_HEADER = 'x-hookline-signature';

export function signatureFor(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export const runHttp: Action = async (input) => {
  const http = input.planned.step.http!;
  const body =
    http.body === undefined || http.method === 'GET' || http.method === 'HEAD'
      ? undefined
      : JSON.stringify(http.body);
  const headers: Record<string, string> = { 'user-agent': 'hookline', ...http.headers };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  if (http.sign) {
    if (!input.signingSecret)
      return { status: 'failed', error: { message: 'the hook has no signing secret' }, output: {} };
    headers[SIGNATURE_HEADER] = signatureFor(input.signingSecret, Math.floor(Date.now() / 1000), body ?? '');
  }
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = AbortSignal.any([timeout, input.signal]);
  let response: Response;
  try {
    response = await fetch(http.url, { method: http.method, headers, body, signal, redirect: 'manual' });
  } catch (error) {
    return failure(error as Error, timeout.aborted, input.signal, input.timeoutMs);
  }
  let read: { text: string; cut: boolean };
  try {
    read = await readBounded(response, input.outputLimitBytes * 4, signal);
  } catch (error) {
    return failure(error as Error, timeout.aborted, input.signal, input.timeoutMs);
  }
  const bounded = boundText(read.text, input.outputLimitBytes);
  const ok = http.expectStatus
    ? http.expectStatus.includes(response.status)
    : response.status >= 200 && response.status < 300;
  const output = {
    body: bounded.text,
    truncated: bounded.truncated || read.cut,
    data: { status: response.status },
  };
  if (ok) return { status: 'succeeded', output };
  return {
    status: 'failed',
    output,
    error: {
      message: `${http.method} ${new URL(http.url).host} answered ${response.status}`,
      status: response.status,
    },
  };
};

/** The body's first `maxBytes` (the chunk that crosses the bound is cut, not dropped), and whether more came. */
async function readBounded(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ text: string; cut: boolean }> {
  if (!response.body) return { text: '', cut: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let cut = false;
  while (true) {
    if (signal.aborted) throw signal.reason;
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.length > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - total));
      cut = true;
      await reader.cancel();
      break;
    }
    total += value.length;
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut };
}

function failure(error: Error, timedOut: boolean, stop: AbortSignal, timeoutMs: number): ActionOutcome {
  if (stop.aborted) {
    const reason = stop.reason as StopReason;
    return {
      status: reason === 'timed_out' ? 'timed_out' : 'cancelled',
      error: { message: `the run was ${reason === 'timed_out' ? 'timed out' : 'cancelled'}` },
      output: {},
    };
  }
  if (timedOut)
    return { status: 'timed_out', error: { message: `timed out after ${timeoutMs / 1000} s` }, output: {} };
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return {
    status: 'failed',
    error: { message: `request failed: ${cause?.code ?? cause?.message ?? error.message}` },
    output: {},
  };
}
