import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../functions/app/clients.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';

/** Limits that protect the service: 413 before any authentication work, 429 per client, logged failures. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null, rateLimit: { perSecond: 2, burst: 3 } });
});
afterAll(async () => {
  await stack?.cleanup();
});

const big = JSON.stringify({ x: 'y'.repeat(1024 * 1024 + 10) });

describe('request bodies over 1 MiB', () => {
  it('are refused with 413 before credentials are even looked at (declared length)', async () => {
    for (const authorization of ['', 'Bearer root:wrong', 'Hawk id="root", ts="1", nonce="n", mac="m"']) {
      const res = await stack.api<{ code: string }>('PUT', '/hooks/big/h', big, { authorization });
      expect([res.status, res.body.code], authorization).toEqual([413, 'PayloadTooLarge']);
    }
    expect(stack.logs.lines.filter((l) => l.message === 'authentication failed')).toEqual([]);
  });

  it('are refused with 413 when streamed without a length (chunked)', async () => {
    const bytes = new TextEncoder().encode(big);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024)
          controller.enqueue(bytes.subarray(i, i + 64 * 1024));
        controller.close();
      },
    });
    const res = await fetch(`${stack.url}/api/hooks/v1/hooks/big/h/trigger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });
});

describe('the per-client rate limit', () => {
  it('answers 429 with Retry-After once a client spends its burst; other clients are not affected', async () => {
    const made = await stack.api<{ accessToken: string }>('PUT', '/clients/busy', {
      scopes: ['hooks:list-hooks:*'],
    });
    const busy: Credentials = { clientId: 'busy', accessToken: made.body.accessToken };
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<TestStack['api']>> | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await stack.apiAs(busy, 'GET', '/hooks');
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toContain(429);
    expect(limited!.body).toMatchObject({ code: 'TooManyRequests' });
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);

    // Public endpoints are not counted, and the root client has a bucket of its own.
    expect((await stack.apiAs(null, 'GET', '/ping')).status).toBe(200);
    expect((await stack.api('GET', '/hooks')).status).toBe(200);

    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await stack.apiAs(busy, 'GET', '/hooks')).status).toBe(200);
  });
});

describe('failed authentications', () => {
  it('are logged with the reason and a known clientId, never the presented secret', async () => {
    const before = stack.logs.lines.length;
    const secretLooking = 'S3cr3t-S3cr3t-S3cr3t-S3cr3t-S3cr3t-S3cr3t-x';
    await stack.apiAs(null, 'GET', '/hooks');
    await stack.apiAs({ clientId: 'root', accessToken: secretLooking }, 'GET', '/hooks');
    await stack.apiAs({ clientId: 'nobody', accessToken: secretLooking }, 'GET', '/hooks');
    // Token and id swapped: the "clientId" is a secret and must not be logged.
    await stack.api('GET', '/hooks', undefined, { authorization: `Bearer ${secretLooking}:root` });
    const failures = stack.logs.lines.slice(before).filter((l) => l.message === 'authentication failed');
    expect(failures.map((l) => [l.level, l.fields?.reason])).toEqual([
      ['warn', 'no credentials'],
      ['warn', 'wrong access token'],
      ['warn', 'unknown client'],
      ['warn', 'unknown client'],
    ]);
    expect(failures[1]!.fields).toMatchObject({
      clientId: 'root',
      scheme: 'bearer',
      path: '/api/hooks/v1/hooks',
    });
    expect(failures[2]!.fields).not.toHaveProperty('clientId');
    expect(JSON.stringify(stack.logs.lines)).not.toContain(secretLooking);
    expect(JSON.stringify(stack.logs.lines)).not.toContain('S3cr3t');
  });
});
