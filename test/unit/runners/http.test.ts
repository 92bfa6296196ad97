import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttp, SIGNATURE_HEADER, signatureFor } from '../../../functions/runners/http.ts';
import { actionInput } from './actionInput.ts';

/** The `http` action (functions/runners/http.ts) against a server in this process. */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
let server: Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/hang') return; // never answers
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `${base}/ok` }).end();
        return;
      }
      if (req.url === '/big') {
        res.writeHead(200).end('z'.repeat(100_000));
        return;
      }
      const status = Number(req.url!.match(/^\/status\/(\d+)/)?.[1] ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const step = (http: Record<string, unknown>) => ({ name: 'webhook', http });
const last = () => received.at(-1)!;

describe('runHttp', () => {
  it('POSTs the JSON body with a content type and keeps the answer and its status', async () => {
    const outcome = await runHttp(actionInput(step({ url: `${base}/ok`, body: { order: 7 } })));
    expect(outcome).toEqual({
      status: 'succeeded',
      output: { body: 'answer 200', truncated: false, data: { status: 200 } },
    });
    expect(last()).toMatchObject({ method: 'POST', url: '/ok', body: '{"order":7}' });
    expect(last().headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'hookline' });
  });

  it('a GET sends no body; a content type the step sets is kept', async () => {
    await runHttp(actionInput(step({ url: `${base}/ok`, method: 'GET', body: { ignored: true } })));
    expect(last()).toMatchObject({ method: 'GET', body: '' });
    await runHttp(
      actionInput(step({ url: `${base}/ok`, body: 'x', headers: { 'Content-Type': 'text/plain' } })),
    );
    expect(last().headers['content-type']).toBe('text/plain');
  });

  it('signs with the hook’s secret so the receiver can check the body and the time', async () => {
    await runHttp(
      actionInput(step({ url: `${base}/ok`, body: { a: 1 }, sign: true }), { signingSecret: 's3cret' }),
    );
    const header = String(last().headers[SIGNATURE_HEADER]);
    const timestamp = Number(header.match(/^t=(\d+),/)![1]);
    expect(header).toBe(signatureFor('s3cret', timestamp, '{"a":1}'));
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(600);
    expect(signatureFor('s3cret', 1, 'b')).not.toBe(signatureFor('other', 1, 'b'));
  });

  it('a signed step without a signing secret fails before any request', async () => {
    const before = received.length;
    expect(await runHttp(actionInput(step({ url: `${base}/ok`, sign: true })))).toEqual({
      status: 'failed',
      error: { message: 'the hook has no signing secret' },
      output: {},
    });
    expect(received).toHaveLength(before);
  });

  it('a status outside 2xx fails naming method, host and status; expectStatus decides instead', async () => {
    const failed = await runHttp(actionInput(step({ url: `${base}/status/503` })));
    expect(failed).toMatchObject({
      status: 'failed',
      output: { body: 'answer 503', data: { status: 503 } },
      error: { message: `POST ${new URL(base).host} answered 503`, status: 503 },
    });
    expect(
      (await runHttp(actionInput(step({ url: `${base}/status/404`, expectStatus: [404] })))).status,
    ).toBe('succeeded');
    expect(
      (await runHttp(actionInput(step({ url: `${base}/status/200`, expectStatus: [201] })))).status,
    ).toBe('failed');
  });

  it('does not follow a redirect', async () => {
    const outcome = await runHttp(actionInput(step({ url: `${base}/redirect` })));
    expect(outcome).toMatchObject({ status: 'failed', output: { data: { status: 302 } } });
    expect(last().url).toBe('/redirect');
  });

  it('keeps a large answer bounded and says it was cut, even when it arrives in one chunk', async () => {
    const outcome = await runHttp(actionInput(step({ url: `${base}/big` })));
    expect(outcome.status).toBe('succeeded');
    expect(outcome.output.truncated).toBe(true);
    expect(outcome.output.body!.startsWith('zzzz')).toBe(true);
    expect(outcome.output.body!.length).toBeLessThanOrEqual(1100);
  });

  it('an unreachable host fails with the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await runHttp(actionInput(step({ url: `http://127.0.0.1:${port}/` })))).toEqual({
      status: 'failed',
      error: { message: 'request failed: ECONNREFUSED' },
      output: {},
    });
  });

  it('times out at the step’s timeout, and a stop says cancelled or timed out', async () => {
    expect(await runHttp(actionInput(step({ url: `${base}/hang` }), { timeoutMs: 200 }))).toEqual({
      status: 'timed_out',
      error: { message: 'timed out after 0.2 s' },
      output: {},
    });
    const cancel = new AbortController();
    const cancelled = runHttp(actionInput(step({ url: `${base}/hang` }), { signal: cancel.signal }));
    setTimeout(() => cancel.abort('cancelled'), 50);
    expect(await cancelled).toEqual({
      status: 'cancelled',
      error: { message: 'the run was cancelled' },
      output: {},
    });
    const deadline = new AbortController();
    deadline.abort('timed_out');
    expect(await runHttp(actionInput(step({ url: `${base}/ok` }), { signal: deadline.signal }))).toEqual({
      status: 'timed_out',
      error: { message: 'the run was timed out' },
      output: {},
    });
  });
});
