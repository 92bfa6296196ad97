import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowAll } from '../../../functions/api/app.ts';
import { isLoopback } from '../../../infra/local/localAuth.ts';
import { createLocalStack } from '../../../infra/local/localStack.ts';
import { bearer, startTestStack, tempDataDir, testStore } from '../../support/stack.ts';

/** The root client at first start, its credentials file, restarts, and binding with auth off. */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function dir(): string {
  const d = tempDataDir('hookline-auth-');
  dirs.push(d);
  return d;
}

const mode = (file: string) => statSync(file).mode & 0o777;
const read = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as { clientId: string; accessToken: string };

describe('root bootstrap', () => {
  it('first start creates the root client and writes credentials.json (0600); the log names the path, never the token', async () => {
    const dataDir = dir();
    const stack = await startTestStack({ dataDir });
    try {
      const file = join(dataDir, 'credentials.json');
      expect(stack.credentialsFile).toBe(file);
      expect(mode(file)).toBe(0o600);
      const credentials = read(file);
      expect(Object.keys(credentials).sort()).toEqual(['accessToken', 'clientId']);
      expect(credentials.clientId).toBe('root');
      expect(credentials).toEqual(stack.rootCredentials);
      const root = await stack.api<{ scopes: string[] }>('GET', '/clients/root');
      expect(root.body.scopes).toEqual(['*']);

      const logged = JSON.stringify(stack.logs.lines);
      expect(logged).toContain(file);
      expect(logged).not.toContain(credentials.accessToken);
    } finally {
      await stack.cleanup();
    }
  });

  it('is idempotent across restarts: the same root client, the same credentials, one bootstrap record', async () => {
    const dataDir = dir();
    const file = join(dataDir, 'credentials.json');
    const first = await startTestStack({ dataDir });
    const original = read(file);
    await first.cleanup();
    chmodSync(file, 0o644); // someone loosened it: the next start tightens it again

    for (let restart = 0; restart < 2; restart++) {
      const again = await startTestStack({ dataDir });
      try {
        expect(read(file)).toEqual(original);
        expect(mode(file)).toBe(0o600);
        expect(again.rootCredentials).toEqual(original);
        const list = await again.api<{ clients: Array<{ clientId: string }> }>('GET', '/clients');
        expect(list.status).toBe(200);
        expect(list.body.clients.map((c) => c.clientId)).toEqual(['root']);
        const history = await again.api<{ history: Array<{ action: string }> }>(
          'GET',
          '/clients/root/history',
        );
        expect(history.body.history.map((h) => h.action)).toEqual(['bootstrap']);
      } finally {
        await again.cleanup();
      }
    }
  });

  it('a lost credentials file gets the root client a new token, written anew', async () => {
    const dataDir = dir();
    const file = join(dataDir, 'credentials.json');
    const first = await startTestStack({ dataDir });
    const lost = read(file);
    await first.cleanup();
    rmSync(file);

    const again = await startTestStack({ dataDir });
    try {
      const fresh = read(file);
      expect(fresh.accessToken).not.toBe(lost.accessToken);
      expect(mode(file)).toBe(0o600);
      expect((await again.api('GET', '/hooks', undefined, { authorization: bearer(lost) })).status).toBe(401);
      expect((await again.api('GET', '/hooks', undefined, { authorization: bearer(fresh) })).status).toBe(
        200,
      );
      expect(
        again.logs.lines.some((l) => l.level === 'warn' && /credentials file was missing/.test(l.message)),
      ).toBe(true);
      expect(JSON.stringify(again.logs.lines)).not.toContain(fresh.accessToken);
    } finally {
      await again.cleanup();
    }
  });

  it('a credentials file that no longer matches is reported, not trusted', async () => {
    const dataDir = dir();
    const file = join(dataDir, 'credentials.json');
    const first = await startTestStack({ dataDir });
    await first.cleanup();
    writeFileSync(file, JSON.stringify({ clientId: 'root', accessToken: 'not-the-token' }), { mode: 0o600 });
    const stack = await createLocalStack({
      port: 0,
      dataDir,
      store: testStore(),
      logger: { info() {}, warn() {}, error() {} },
    });
    try {
      expect(stack.rootCredentials).toBeUndefined();
      expect(stack.credentialsFile).toBe(file);
    } finally {
      await stack.stop();
    }
  });

  it('an in-memory stack keeps the root credentials on the stack object, and writes no file', async () => {
    const stack = await startTestStack({ dataDir: null });
    try {
      expect(stack.dataDir).toBeNull();
      expect(stack.credentialsFile).toBeUndefined();
      expect(stack.rootCredentials.clientId).toBe('root');
      expect((await stack.api('GET', '/hooks')).status).toBe(200);
      expect((await stack.apiAs(null, 'GET', '/hooks')).status).toBe(401);
    } finally {
      await stack.cleanup();
    }
  });
});

describe('binding', () => {
  it('refuses to listen beyond loopback with authentication off', async () => {
    await expect(createLocalStack({ port: 0, dataDir: null, auth: false, host: '0.0.0.0' })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0 with authentication off/,
    );
    await expect(
      createLocalStack({ port: 0, dataDir: null, authorizer: allowAll, host: '0.0.0.0' }),
    ).rejects.toThrow(/refusing/);
  });

  it('runs with authentication off on loopback (embedding): no credentials needed, none made', async () => {
    const stack = await startTestStack({ dataDir: null, auth: false });
    try {
      expect(stack.clients).toBeUndefined();
      expect(() => stack.rootCredentials).toThrow(/without authentication/);
      expect((await stack.api('GET', '/hooks')).status).toBe(200);
      expect((await stack.api('GET', '/clients')).status).toBe(404);
    } finally {
      await stack.cleanup();
    }
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '::ffff:10.0.0.1'])
      expect(isLoopback(host), host).toBe(false);
  });
});

describe('npm start (infra/local/main.ts)', () => {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

  function run(
    args: string[],
    untilLine?: RegExp,
  ): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(tsx, ['infra/local/main.ts', ...args], {
        cwd: process.cwd(),
        env: { ...process.env, HOOKLINE_PORT: '', HOOKLINE_HOST: '', HOOKLINE_DATA_DIR: '' },
      });
      let out = '';
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (untilLine?.test(out)) child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      });
    });
  }

  it('prints where the root credentials are, never the token; refuses --no-auth beyond loopback', async () => {
    const dataDir = dir();
    const started = await run(['--port', '0', '--data-dir', dataDir], /hookline listening/);
    const file = join(dataDir, 'credentials.json');
    expect(existsSync(file)).toBe(true);
    const listening = started.out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'hookline listening');
    expect(listening).toMatchObject({ credentialsFile: file, auth: 'on' });
    const token = read(file).accessToken;
    expect(started.out + started.err).not.toContain(token);

    const refused = await run(['--port', '0', '--data-dir', dataDir, '--no-auth', '--host', '0.0.0.0']);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/refusing to listen on 0\.0\.0\.0 with authentication off/);
  });
});
