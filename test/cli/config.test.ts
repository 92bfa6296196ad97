import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveTarget, writeProfile } from '../../cli/config.ts';

/** Where `hookline` finds the stack and the credentials (cli/config.ts), in order. */
function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'hookline-config-'));
  const cwd = join(root, 'project');
  mkdirSync(join(cwd, '.hookline'), { recursive: true });
  const env = { XDG_CONFIG_HOME: join(root, 'config') } as NodeJS.ProcessEnv;
  const local = (url = 'http://127.0.0.1:8080', pid = process.pid) => {
    writeFileSync(join(cwd, '.hookline', 'stack.json'), JSON.stringify({ url, pid }));
    writeFileSync(
      join(cwd, '.hookline', 'credentials.json'),
      JSON.stringify({ clientId: 'root', accessToken: 'local' }),
    );
  };
  return { root, cwd, env, local };
}

describe('resolveTarget', () => {
  it('flags before the environment before the local stack', () => {
    const { cwd, env, local } = workspace();
    local();
    expect(resolveTarget({}, env, cwd)).toEqual({
      url: 'http://127.0.0.1:8080',
      credentials: { clientId: 'root', accessToken: 'local' },
      source: join(cwd, '.hookline', 'stack.json'),
    });
    const fromEnv = {
      ...env,
      HOOKLINE_URL: 'https://hooks.example/',
      HOOKLINE_CLIENT_ID: 'a',
      HOOKLINE_ACCESS_TOKEN: 'b',
    };
    expect(resolveTarget({}, fromEnv, cwd)).toEqual({
      url: 'https://hooks.example',
      credentials: { clientId: 'a', accessToken: 'b' },
      source: 'HOOKLINE_URL',
    });
    expect(resolveTarget({ url: 'http://x:1', clientId: 'c', accessToken: 'd' }, fromEnv, cwd)).toMatchObject(
      {
        url: 'http://x:1',
        credentials: { clientId: 'c', accessToken: 'd' },
        source: '--url',
      },
    );
  });

  it('a profile: named explicitly it wins over the local stack; "default" is the last resort', () => {
    const { cwd, env, local } = workspace();
    writeProfile('work', { url: 'https://work.example', clientId: 'w', accessToken: 'wt' }, env);
    writeProfile('default', { url: 'https://default.example', clientId: 'd', accessToken: 'dt' }, env);
    expect(resolveTarget({}, env, cwd)).toMatchObject({
      url: 'https://default.example',
      source: 'profile default',
    });
    local();
    expect(resolveTarget({}, env, cwd).url).toBe('http://127.0.0.1:8080');
    expect(resolveTarget({ profile: 'work' }, env, cwd)).toEqual({
      url: 'https://work.example',
      credentials: { clientId: 'w', accessToken: 'wt' },
      source: 'profile work',
    });
    expect(() => resolveTarget({ profile: 'nope' }, env, cwd)).toThrow('no profile "nope"');
  });

  it('profiles are written private (0600) and kept beside each other', () => {
    const { env } = workspace();
    const file = writeProfile('a', { url: 'http://a' }, env);
    writeProfile('b', { url: 'http://b' }, env);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(readConfigFile(env).profiles)).toEqual(['a', 'b']);
  });

  it('says what is missing: no stack, a stopped local stack, half the credentials, a bad URL', () => {
    const { cwd, env, local } = workspace();
    expect(() => resolveTarget({}, env, cwd)).toThrow('no Hookline stack found');
    local('http://127.0.0.1:8080', 2 ** 22 + 12345); // no such process
    expect(() => resolveTarget({}, env, cwd)).toThrow(/is not running \(its stack\.json names process \d+/);
    expect(() => resolveTarget({ url: 'http://x', clientId: 'only' }, env, cwd)).toThrow(
      'give both a client id and an access token',
    );
    expect(() => resolveTarget({ url: 'ftp://x' }, env, cwd)).toThrow('is not an http(s) URL');
  });
});
