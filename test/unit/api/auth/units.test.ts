import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { hawkTarget } from '../../../../functions/api/auth/hawkScheme.ts';
import { isPublicRoute } from '../../../../functions/api/auth/publicRoutes.ts';
import { RateLimiter } from '../../../../functions/api/auth/rateLimiter.ts';
import { MemoryNonceCache } from '../../../../functions/api/auth/replayGuard.ts';

/** The pieces of the authorizer that need no stack: token bucket, nonce cache, Hawk target, public routes. */

describe('RateLimiter (token bucket)', () => {
  it('allows a burst, then one request per 1/rate seconds, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBeUndefined();
    now += 500;
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(1);
    now += 10_000;
    for (let i = 0; i < 3; i++) expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBe(1);
  });

  it('keeps a bounded number of buckets, dropping idle ones first', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, () => now, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`client-${i}`);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(100);
    now += 1;
    limiter.take('hot');
    limiter.take('hot');
    expect(limiter.take('hot')).toBe(1);
  });
});

describe('MemoryNonceCache', () => {
  it('refuses a nonce seen before until it expires, per client', async () => {
    let now = 1000;
    const cache = new MemoryNonceCache(10, () => now);
    expect(await cache.claim('a', '1:n', 5000)).toBe(true);
    expect(await cache.claim('a', '1:n', 5000)).toBe(false);
    expect(await cache.claim('b', '1:n', 5000)).toBe(true);
    now = 6000;
    expect(await cache.claim('a', '1:n', 9000)).toBe(true);
  });

  it('stays bounded', async () => {
    const cache = new MemoryNonceCache(50, () => 0);
    for (let i = 0; i < 500; i++) await cache.claim('a', String(i), 1_000_000);
    expect(cache.size).toBeLessThanOrEqual(50);
  });
});

describe('hawkTarget: the host and port the client addressed', () => {
  const ctx = (headers: Record<string, string> = {}) =>
    ({ req: { header: (name: string) => headers[name.toLowerCase()] } }) as unknown as Context;

  it("takes them from the request URL (the Host header locally, API Gateway's domain in Lambda)", () => {
    expect(hawkTarget(ctx(), new URL('http://127.0.0.1:8080/x'), false)).toEqual({
      host: '127.0.0.1',
      port: 8080,
    });
    expect(hawkTarget(ctx(), new URL('http://localhost/x'), false)).toEqual({ host: 'localhost', port: 80 });
    expect(hawkTarget(ctx(), new URL('https://abc.execute-api.eu-west-1.amazonaws.com/x'), false)).toEqual({
      host: 'abc.execute-api.eu-west-1.amazonaws.com',
      port: 443,
    });
    expect(hawkTarget(ctx(), new URL('http://[::1]:9000/x'), false)).toEqual({ host: '::1', port: 9000 });
  });

  it('uses X-Forwarded-* only when told to trust them', () => {
    const headers = { 'x-forwarded-host': 'hooks.example.com', 'x-forwarded-proto': 'https' };
    expect(hawkTarget(ctx(headers), new URL('http://127.0.0.1:8080/x'), false)).toEqual({
      host: '127.0.0.1',
      port: 8080,
    });
    expect(hawkTarget(ctx(headers), new URL('http://127.0.0.1:8080/x'), true)).toEqual({
      host: 'hooks.example.com',
      port: 443,
    });
    expect(
      hawkTarget(ctx({ ...headers, 'x-forwarded-port': '8443' }), new URL('http://127.0.0.1:8080/x'), true),
    ).toEqual({ host: 'hooks.example.com', port: 8443 });
  });
});

describe('public routes', () => {
  it('are ping, openapi.json, triggerHookWithToken and the schedule preview — nothing else', () => {
    expect(isPublicRoute('GET', '/ping')).toBe(true);
    expect(isPublicRoute('HEAD', '/ping')).toBe(true);
    expect(isPublicRoute('GET', '/openapi.json')).toBe(true);
    expect(isPublicRoute('POST', '/hooks/g/h%2Fi/trigger/tok')).toBe(true);
    expect(isPublicRoute('GET', '/schedule-preview')).toBe(true);
    expect(isPublicRoute('POST', '/ping')).toBe(false);
    expect(isPublicRoute('POST', '/hooks/g/h/trigger')).toBe(false);
    expect(isPublicRoute('POST', '/hooks/g/h/trigger/tok/extra')).toBe(false);
    expect(isPublicRoute('GET', '/hooks/g/h/trigger/tok')).toBe(false);
    expect(isPublicRoute('GET', '/pingx')).toBe(false);
  });
});
