import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../../functions/api/openapi.ts';
import { MAX_BODY_BYTES } from '../../../functions/api/requestBody.ts';
import { bearer, hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { noopTask, rawRequest, type RawResponse } from './helpers.ts';

/**
 * Random and mutated requests against the running local stack: random methods and
 * paths (odd encodings, traversal, huge segments), random JSON, mutated valid hook bodies, huge
 * strings, deep nesting and prototype-pollution keys. Nothing may answer 5xx or crash the server,
 * every error is in the `{code, message, requestInfo}` shape, and the hooks the fuzzer must not be
 * able to change are unchanged afterwards.
 *
 * By default a fixed seed and 300 requests, so `npm test` is repeatable and quick; the long run is
 * `FUZZ_REQUESTS=2500 FUZZ_SEED=random npx vitest run test/api/fuzz.test.ts` (CONTRIBUTING.md), and
 * FUZZ_SEED=<n> replays a run.
 */

const DEFAULT_SEED = 20_261_129;
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 4);
const V = '/api/hooks/v1';

/** mulberry32: small, fast, good enough to be reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$eval',
  '$if',
  '$let',
  '$json',
  '',
  ' ',
  'a'.repeat(300),
];
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '💥',
  'é',
  '../../etc/passwd',
  '%2F',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal the fuzzer sends
  '${{ env.SECRET }}',
  '$(rm -rf /)',
  '`id`',
  '<script>',
  "'; DROP TABLE hooks; --",
  '0 0 * * *',
  'cron(0 12 * * ? *)',
  'rate(1 minutes)',
  'not-an-email',
  'null',
  '1e309',
  'Europe/Atlantis',
];

/** encodeURIComponent, with lone surrogates (which it refuses) replaced. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown) {
  // defineProperty: an own "__proto__" key, as JSON.parse makes it (assignment would set the prototype)
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomString(rng: Rng): string {
  if (rng.chance(0.3)) return rng.pick(NASTY_STRINGS);
  if (rng.chance(0.015)) return 'x'.repeat(rng.pick([1000, 70_000, 300_000, 1_100_000]));
  const length = rng.int(20);
  let out = '';
  for (let i = 0; i < length; i++)
    out += String.fromCharCode(rng.chance(0.8) ? 32 + rng.int(95) : rng.int(0x10000));
  return out;
}

function randomJson(rng: Rng, depth = 0): unknown {
  const roll = rng.int(depth > 4 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -0, 1, -1, 1.5, 2 ** 53 + 1, 1e308, -1e-308, rng.int(1000)]);
    case 3:
    case 4:
    case 5:
      return randomString(rng);
    case 6: {
      if (rng.chance(0.05)) return deepNest(rng.pick([30, 70, 200]));
      return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth + 1));
    }
    default: {
      const obj: Record<string, unknown> = {};
      for (let i = rng.int(5); i > 0; i--) {
        setKey(
          obj,
          rng.chance(0.3) ? rng.pick(NASTY_KEYS) : randomString(rng).slice(0, 30),
          randomJson(rng, depth + 1),
        );
      }
      return obj;
    }
  }
}

function deepNest(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const VALID_HOOK = hookBody(
  { task: { name: 'noop', command: ['true'] } },
  {
    schedule: [],
    triggerSchema: { type: 'object', properties: { n: { type: 'integer', default: 1 } } },
    scheduleTimezone: 'UTC',
    catchUp: 'none',
  },
);

/** A valid hook body with a few random changes: sometimes still valid, mostly not. */
function mutatedHook(rng: Rng): unknown {
  const body = structuredClone(VALID_HOOK) as Record<string, unknown>;
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const paths: Array<[Record<string, unknown> | unknown[], string | number]> = [];
    const walk = (node: unknown) => {
      if (node && typeof node === 'object') {
        for (const key of Object.keys(node)) {
          paths.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
          walk((node as Record<string, unknown>)[key]);
        }
      }
    };
    walk(body);
    const [parent, key] = rng.pick(paths);
    const op = rng.int(6);
    if (op === 0) delete (parent as Record<string, unknown>)[key as string];
    else if (op === 1) (parent as Record<string | number, unknown>)[key] = randomJson(rng);
    else if (op === 2) (parent as Record<string | number, unknown>)[key] = rng.pick(NASTY_STRINGS);
    else if (op === 3 && !Array.isArray(parent))
      setKey(parent as Record<string, unknown>, rng.pick(NASTY_KEYS), randomJson(rng));
    else if (op === 4)
      (parent as Record<string | number, unknown>)[key] = [(parent as Record<string | number, unknown>)[key]];
    else (parent as Record<string | number, unknown>)[key] = deepNest(rng.int(40));
  }
  return body;
}

/** Serialized, sometimes with the bytes themselves broken. */
function bodyText(rng: Rng, value: unknown): string {
  let text = JSON.stringify(value) ?? 'undefined';
  if (rng.chance(0.1) && text.length > 0) {
    const at = rng.int(text.length);
    text = rng.pick([
      text.slice(0, at),
      text.slice(0, at) + rng.pick(['{', '}', '"', '\\', ',', '\u0000', 'NaN']) + text.slice(at),
      text.slice(0, at) + text.slice(at + 1),
    ]);
  }
  return text;
}

const SEGMENTS = [
  'g',
  'fuzz',
  'a-b_c',
  'x%2Fy',
  '%2F',
  '%2f%2f',
  '..',
  '.',
  '%2e%2e',
  '%00',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C3%A9',
  '%F0%9F%92%A5',
  '%252F',
  '*',
  ':hookId',
  '__proto__',
  'constructor',
  '',
  'AAAAAAAAAAAAAAAAAAAAAA',
  'a'.repeat(1001),
  'b'.repeat(5000),
  '0',
  '-1',
  '99999',
];

function randomPath(rng: Rng, protectedIds: Set<string>): string {
  let path: string;
  if (rng.chance(0.8)) {
    const op = rng.pick(OPERATIONS);
    path = op.path.replace(/:([A-Za-z]+)/g, () => rng.pick(SEGMENTS));
  } else {
    path = Array.from({ length: rng.int(6) }, () =>
      rng.pick([...SEGMENTS, 'hooks', 'runs', 'trigger', 'token', 'clients', 'hook-types']),
    ).join('/');
    path = `/${path}`;
  }
  if (rng.chance(0.05)) path = path.replace('/', '//');
  if (rng.chance(0.05)) path += '/';
  if (rng.chance(0.2)) {
    const params = [
      'limit',
      'continuationToken',
      'prefix',
      'expression',
      'count',
      'from',
      'timezone',
      '__proto__',
    ];
    path += `?${Array.from({ length: 1 + rng.int(3) }, () => `${rng.pick(params)}=${encode(randomString(rng).slice(0, 3000))}`).join('&')}`;
  }
  // the fuzzer may read the protected hooks but never address them by a path that could change them
  for (const id of protectedIds) if (path.includes(id)) return `/hooks/fuzz/${rng.int(10)}`;
  return path;
}

interface Planned {
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

let stack: TestStack;
let auth: string;
const PROTECTED = [
  ['fuzz-keep', 'alpha'],
  ['fuzz-keep', 'beta%2Fnested'],
] as const;
const protectedIds = new Set(['fuzz-keep']);

async function snapshot(): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const [g, h] of PROTECTED) {
    for (const part of [
      '',
      '/token',
      '/history?limit=1000',
      '/last-fires?limit=1000',
      '/runs?limit=1000',
      '/status',
      '/signing-secret',
    ]) {
      const res = await stack.api('GET', `/hooks/${g}/${h}${part}`);
      out[`${g}/${h}${part}`] = { status: res.status, body: res.body };
    }
  }
  out.groups = (await stack.api<{ groups: string[] }>('GET', '/hooks')).body.groups.includes('fuzz-keep');
  return out;
}

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  auth = bearer(stack.rootCredentials);
  for (const [g, h] of PROTECTED) {
    const res = await stack.api(
      'PUT',
      `/hooks/${g}/${h}`,
      hookBody(noopTask, { triggerSchema: { type: 'object' }, config: { k: 1 } }),
    );
    expect(res.status).toBe(200);
  }
  const fired = await stack.api<{ runId: string }>('POST', '/hooks/fuzz-keep/alpha/trigger', {});
  await stack.waitForRunFinished(fired.body.runId);
  // a hook the fuzzer may fire: its template cannot be changed by the fuzzer (the group is protected
  // from updates the same way), and it runs `true` whatever the payload says
  await stack.api(
    'PUT',
    '/hooks/fuzz-fire/safe',
    hookBody({ task: { name: 'noop', command: ['true'] } }, { triggerSchema: { type: 'object' } }),
  );
  protectedIds.add('fuzz-fire');
});
afterAll(async () => {
  await stack?.cleanup();
});

function plan(rng: Rng): Planned {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (rng.chance(0.9)) headers.authorization = auth;
  else if (rng.chance(0.5))
    headers.authorization = rng.pick([
      'Bearer root:wrong',
      'Bearer ',
      'Hawk id="x"',
      'Basic Zm9vOmJhcg==',
      'Bearer root',
    ]);
  if (rng.chance(0.05))
    headers['idempotency-key'] = rng
      .pick(['k', 'with space', 'x'.repeat(300), '\u00e9'])
      .replace(/[^\x20-\x7e]/g, '?');
  const kind = rng.int(10);
  if (kind <= 1) {
    // a mutated hook body, created or updated somewhere the fuzzer owns
    const id = `fuzz/${rng.pick(['m1', 'm2', 'm3', 'deep%2Fone'])}`;
    return {
      method: rng.pick(['PUT', 'POST']),
      path: `/hooks/${id}`,
      body: bodyText(rng, mutatedHook(rng)),
      headers,
    };
  }
  if (kind === 2) {
    // PUT at a protected hook: an existing hook is never changed by createHook (200 or 409 or 400)
    const [g, h] = rng.pick(PROTECTED);
    return { method: 'PUT', path: `/hooks/${g}/${h}`, body: bodyText(rng, mutatedHook(rng)), headers };
  }
  if (kind === 3) {
    // POST at a protected hook with a body that can never be valid (an unknown field)
    const [g, h] = rng.pick(PROTECTED);
    const body = mutatedHook(rng) as Record<string, unknown>;
    const broken =
      body && typeof body === 'object' && !Array.isArray(body) ? { ...body, fuzzUnknownField: 1 } : body;
    return { method: 'POST', path: `/hooks/${g}/${h}`, body: bodyText(rng, broken), headers };
  }
  if (kind === 4) {
    // trigger the fuzzer's own hook with a random payload, or a protected one with a random token
    if (rng.chance(0.5))
      return {
        method: 'POST',
        path: '/hooks/fuzz-fire/safe/trigger',
        body: bodyText(rng, randomJson(rng)),
        headers,
      };
    const [g, h] = rng.pick(PROTECTED);
    const token = encode(randomString(rng).slice(0, 600)) || 'x';
    return {
      method: 'POST',
      path: `/hooks/${g}/${h}/trigger/${token}`,
      body: bodyText(rng, randomJson(rng)),
      headers,
    };
  }
  if (kind === 5) {
    // reads of the protected hooks with odd queries
    const [g, h] = rng.pick(PROTECTED);
    const part = rng.pick(['', '/status', '/last-fires', '/runs', '/history', '/token']);
    const query = rng.chance(0.7)
      ? `?limit=${encode(randomString(rng).slice(0, 20))}&continuationToken=${encode(randomString(rng).slice(0, 100))}`
      : '';
    return { method: 'GET', path: `/hooks/${g}/${h}${part}${query}`, headers };
  }
  const method = rng.pick(['GET', 'GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
  const body =
    method === 'GET' || method === 'HEAD' || rng.chance(0.2) ? undefined : bodyText(rng, randomJson(rng));
  return { method, path: randomPath(rng, protectedIds), body, headers };
}

describe('fuzz', () => {
  it(`${REQUESTS} random and mutated requests: no 5xx, errors in shape, server up, protected data unchanged`, async () => {
    console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/api/fuzz.test.ts)`);
    const before = await snapshot();
    const rng = prng(SEED);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let unsendable = 0;
    let resets = 0;
    let next = 0;
    const planned = Array.from({ length: REQUESTS }, () => plan(rng));
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < planned.length) {
          const i = next++;
          const request = planned[i]!;
          let res: RawResponse;
          try {
            res = await rawRequest(stack.url, { ...request, path: `${V}${request.path}`, agent });
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (
              code === 'ERR_UNESCAPED_CHARACTERS' ||
              code === 'ERR_INVALID_CHAR' ||
              code === 'ERR_INVALID_HTTP_TOKEN'
            ) {
              unsendable++; // refused by the client library before it was sent
              continue;
            }
            if (request.body !== undefined && Buffer.byteLength(request.body) > MAX_BODY_BYTES) {
              // answered 413 before the body was all sent: the connection may close under the writer
              resets++;
              continue;
            }
            failures.push(
              `#${i} ${request.method} ${request.path.slice(0, 200)}: ${(error as Error).message} (headers ${JSON.stringify(request.headers)} body ${request.body?.length} chars: ${request.body?.slice(0, 300)})`,
            );
            continue;
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const label = `#${i} ${request.method} ${request.path.slice(0, 200)} body ${String(request.body).slice(0, 200)}`;
          if (res.status >= 500) failures.push(`${label} → ${res.status} ${res.text.slice(0, 300)}`);
          else if (res.status >= 400 && request.method !== 'HEAD') {
            const body = res.body as { code?: unknown; message?: unknown; requestInfo?: unknown };
            if (
              typeof body !== 'object' ||
              typeof body?.code !== 'string' ||
              typeof body.message !== 'string' ||
              !body.requestInfo
            ) {
              failures.push(`${label} → ${res.status} not in the error shape: ${res.text.slice(0, 300)}`);
            }
          }
        }
      }),
    );
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz: ${REQUESTS} requests in ${seconds.toFixed(1)} s, ${unsendable} refused by the client library, ${resets} oversized cut off; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    const unhandled = stack.logs.lines.filter((l) => l.message === 'unhandled error');
    for (const line of unhandled.slice(0, 5)) console.log(String(line.fields?.error).slice(0, 1500));
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype untouched').toBeUndefined();
    expect(
      stack.logs.lines.filter((l) => l.message === 'unhandled error'),
      `seed ${SEED}`,
    ).toEqual([]);

    // still up and working
    expect((await stack.api('GET', '/ping')).status).toBe(200);
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/fuzz-fire/safe/trigger', {});
    expect(fired.status).toBe(200);
    expect((await stack.waitForRunFinished(fired.body.runId)).result).toBe('succeeded');
    // and the protected hooks are exactly as they were
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
