import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../../support/stack.ts';
import { buildHookline, type Hookline, ROOT, runNode } from './hookline.ts';

/**
 * Every `hookline` command that needs only the endpoints of the current API, against a real local
 * stack, run as a child process. The stack is found through its data directory (stack.json and
 * credentials.json), as a user's `npm start` stack is.
 */
let stack: TestStack;
let dataDir: string;
let hookline: Hookline;
const run = (...args: string[]) => hookline.run(['--data-dir', dataDir, ...args]);
const json = async (...args: string[]) => {
  const result = await run('--json', ...args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(async () => {
  dataDir = tempDataDir('hookline-cli-stack-');
  [stack, hookline] = await Promise.all([startTestStack({ dataDir }), buildHookline()]);
  await stack.api(
    'PUT',
    '/hooks/cli/echo',
    hookBody(
      {
        task: {
          name: 'echo',
          command: ['sh', '-c', { $eval: '"echo hi " + payload.who + "; echo oops >&2"' }],
        },
      },
      {
        triggerSchema: {
          type: 'object',
          properties: { who: { type: 'string' } },
          additionalProperties: false,
        },
      },
    ),
  );
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('hookline: finding the stack', () => {
  it('reads the local stack from its data directory, from any working directory', async () => {
    expect(JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8'))).toEqual({
      url: stack.url,
      pid: process.pid,
    });
    const elsewhere = mkdtempSync(join(tmpdir(), 'hookline-cwd-'));
    const fromEnv = await hookline.run(['hooks', 'ls', '--json'], {
      cwd: elsewhere,
      env: { HOOKLINE_DATA_DIR: dataDir },
    });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout).hooks.map((h: { hookId: string }) => h.hookId)).toContain('echo');
    // ./.hookline of the working directory, as after `npm start` there
    mkdirSync(join(elsewhere, '.hookline'));
    for (const file of ['stack.json', 'credentials.json'])
      copyFileSync(join(dataDir, file), join(elsewhere, '.hookline', file));
    const fromCwd = await hookline.run(['hooks', 'ls'], { cwd: elsewhere });
    expect(fromCwd.code).toBe(0);
    expect(fromCwd.stdout).toMatch(/^GROUP\s+HOOK\s+NAME/);
    expect(fromCwd.stdout).toMatch(/cli\s+echo\s+test hook/);
  });

  it('a stopped stack removes its stack.json', async () => {
    const other = await startTestStack();
    const file = join(other.dataDir!, 'stack.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).url).toBe(other.url);
    await other.stop();
    expect(existsSync(file)).toBe(false);
    const stopped = await hookline.run(['--data-dir', other.dataDir!, 'hooks', 'ls']);
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toContain('no Hookline stack found');
    await other.cleanup();
  });

  it('takes --url with credentials from the environment, and says when nothing is found (exit 3)', async () => {
    const { clientId, accessToken } = stack.rootCredentials;
    const viaEnv = await hookline.run(['hooks', 'get', 'cli', 'echo', '--json'], {
      env: { HOOKLINE_URL: stack.url, HOOKLINE_CLIENT_ID: clientId, HOOKLINE_ACCESS_TOKEN: accessToken },
    });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ hookGroupId: 'cli', hookId: 'echo' });
    const nothing = await hookline.run(['hooks', 'ls']);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toContain('no Hookline stack found');
  });

  it('exits 3 for a URL where nothing listens, and for refused credentials (with the API message)', async () => {
    const port = await closedPort();
    const unreachable = await run('--url', `http://127.0.0.1:${port}`, 'hooks', 'ls');
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`cannot reach http://127.0.0.1:${port}`);
    const refused = await hookline.run([
      '--url',
      stack.url,
      '--client-id',
      'root',
      '--access-token',
      'wrong',
      'hooks',
      'ls',
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/error: AuthenticationFailed \(HTTP 401\): /);
  });

  it('login checks the credentials and writes a profile (0600) that later commands use', async () => {
    const { clientId, accessToken } = stack.rootCredentials;
    const bad = await hookline.run([
      'login',
      '--url',
      stack.url,
      '--client-id',
      clientId,
      '--access-token',
      'nope',
    ]);
    expect(bad.code).toBe(3);
    const login = await hookline.run(
      ['login', '--profile', 'work', '--url', stack.url, '--client-id', clientId, '--access-token', '-'],
      {
        stdin: `${accessToken}\n`,
      },
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`logged in to ${stack.url} as ${clientId}`);
    const file = join(hookline.home, 'hookline', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.work).toEqual({
      url: stack.url,
      clientId,
      accessToken,
    });
    const used = await hookline.run(['--profile', 'work', 'hooks', 'ls', '--json']);
    expect(used.code).toBe(0);
    const missing = await hookline.run(['--profile', 'nope', 'hooks', 'ls']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no profile "nope"');
  });
});

describe('hookline: usage and local mistakes exit 2, said as such', () => {
  it('an unknown command or a missing argument', async () => {
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missing = await run('hooks', 'get', 'only-one');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'hook'");
  });

  it('a bad JSON payload or a missing payload file, before any request', async () => {
    const bad = await run('--url', 'http://127.0.0.1:9', 'trigger', 'cli', 'echo', '{"who":');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: payload:1:8 is not valid JSON/);
    const missing = await run('trigger', 'cli', 'echo', '@nowhere.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: nowhere.json: no such file\n');
  });

  it('--help answers for every command', async () => {
    const help = await hookline.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hookline [options] [command]');
    expect(help.stdout).toContain('Exit codes: 0 ok');
    const runsLs = await hookline.run(['runs', 'ls', '--help']);
    expect(runsLs.stdout).toContain('--fired-by <how>');
  });

  it('bin/hookline.mjs without its bundle says how to build it', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'hookline-bare-'));
    mkdirSync(join(bare, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'hookline.mjs'), join(bare, 'bin', 'hookline.mjs'));
    const result = await runNode([join(bare, 'bin', 'hookline.mjs'), '--help'], bare);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('hookline is not built');
    expect(result.stderr).toContain('npm run build:cli');
  });
});

describe('hookline: hooks and runs', () => {
  it('trigger (inline, @file, stdin), runs get, logs, last-fires, rerun', async () => {
    const fired = await run('trigger', 'cli', 'echo', '{"who":"inline"}');
    expect(fired.code).toBe(0);
    const runId = fired.stdout.trim();
    expect(runId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await stack.waitForRunFinished(runId);

    const payloadFile = join(hookline.home, 'payload.json');
    writeFileSync(payloadFile, '{"who":"file"}');
    const fromFile = await hookline.run([
      '--data-dir',
      dataDir,
      'trigger',
      'cli',
      'echo',
      '@payload.json',
      '--json',
    ]);
    expect(fromFile.code).toBe(0);
    const fileRun = JSON.parse(fromFile.stdout).runId as string;
    const fromStdin = await hookline.run(['--data-dir', dataDir, 'trigger', 'cli', 'echo', '-'], {
      stdin: '{"who":"stdin"}',
    });
    const stdinRun = fromStdin.stdout.trim();
    await Promise.all([stack.waitForRunFinished(fileRun), stack.waitForRunFinished(stdinRun)]);

    const got = await json('runs', 'get', runId);
    expect(got).toMatchObject({ runId, status: 'finished', result: 'succeeded' });
    const human = await run('runs', 'get', runId);
    expect(human.stdout).toMatch(new RegExp(`^cli/echo  run ${runId}  succeeded  \\[█+\\] 1/1`));
    expect(human.stdout).toMatch(/✓ +0 task +echo +succeeded/);

    const logs = await run('logs', stdinRun);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toBe('hi stdin\n');
    expect(logs.stderr).toContain('── step 0 task echo (succeeded)');
    expect(logs.stderr).toContain('oops\n');
    const fileLogs = await json('logs', fileRun, '--step', '0');
    expect(fileLogs.steps[0]).toMatchObject({ stdout: 'hi file\n', stderr: 'oops\n' });
    expect((await run('logs', fileRun, '--step', '7')).code).toBe(2);

    const fires = await json('last-fires', 'cli', 'echo');
    expect(fires.lastFires.map((f: { runId: string }) => f.runId)).toEqual(
      expect.arrayContaining([runId, fileRun, stdinRun]),
    );
    const firesTable = await run('last-fires', 'cli', 'echo');
    expect(firesTable.stdout).toMatch(new RegExp(`triggerHook\\s+success\\s+${runId}\\s+succeeded`));

    const rerun = await json('rerun', runId);
    const rerunView = await stack.waitForRunFinished(rerun.runId);
    expect(rerunView).toMatchObject({ firedBy: 'rerun', result: 'succeeded' });
  });

  it('an API error prints its code and message and exits 1', async () => {
    const missing = await run('hooks', 'get', 'cli', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: ResourceNotFound (HTTP 404): hook cli/nope does not exist\n');
    const invalid = await run('trigger', 'cli', 'echo', '{"who": 3}');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error: InputError \(HTTP 400\): .*who/);
  });

  it('a template that declines and a concurrency skip are told apart', async () => {
    await stack.api(
      'PUT',
      '/hooks/cli/declines',
      hookBody({ $if: 'false', then: { task: { name: 'x', command: ['true'] } } }),
    );
    const declined = await run('trigger', 'cli', 'declines');
    expect(declined.code).toBe(0);
    expect(declined.stdout).toBe('declined: the template rendered null, nothing runs\n');
    await stack.api(
      'PUT',
      '/hooks/cli/single',
      hookBody(
        { task: { name: 'wait', command: ['sh', '-c', 'sleep 30'] } },
        { concurrency: { limit: 1, onLimit: 'skip' } },
      ),
    );
    const first = (await run('trigger', 'cli', 'single')).stdout.trim();
    const skipped = await run('trigger', 'cli', 'single');
    expect(skipped.stdout).toMatch(/^skipped: concurrency limit/);
    const cancelled = await json('cancel', first);
    expect(cancelled.runId).toBe(first);
    expect((await stack.waitForRunFinished(first)).result).toBe('cancelled');
  });

  it('hooks status, token, history, config get/set/unset, signing-secret, rm', async () => {
    const fired = await json('trigger', 'cli', 'echo', '{"who":"status"}');
    await stack.waitForRunFinished(fired.runId);
    const status = await run('hooks', 'status', 'cli', 'echo');
    expect(status.stdout).toMatch(new RegExp(`^last fire: success at \\S+ \\S+ run ${fired.runId}`));
    expect(status.stdout).toContain('next scheduled: none');
    const token = await json('hooks', 'token', 'cli', 'echo');
    const reset = await json('hooks', 'token', 'cli', 'echo', '--reset');
    expect(reset.token).not.toBe(token.token);

    expect((await json('config', 'set', 'cli', 'echo', 'retries', '3')).config).toEqual({ retries: 3 });
    expect((await run('config', 'set', 'cli', 'echo', 'name', 'bob', '--string')).stdout).toBe(
      'cli/echo config.name = "bob"\n',
    );
    expect(await json('config', 'get', 'cli', 'echo')).toEqual({ retries: 3, name: 'bob' });
    expect(await json('config', 'get', 'cli', 'echo', 'retries')).toBe(3);
    expect((await json('config', 'unset', 'cli', 'echo', 'name')).config).toEqual({ retries: 3 });
    expect((await run('config', 'set', 'cli', 'echo', 'x', '{oops')).code).toBe(2);

    const history = await json('history', 'cli', 'echo');
    expect(history.history.map((r: { action: string }) => r.action)).toContain('create');
    const historyTable = await run('history', 'cli', 'echo');
    expect(historyTable.stdout).toMatch(/^TIME\s+ACTION\s+CLIENT\s+CHANGED/);

    const secret = await json('signing-secret', 'cli', 'echo');
    const newSecret = await json('signing-secret', 'cli', 'echo', '--reset');
    expect(newSecret.secret).not.toBe(secret.secret);

    await stack.api('PUT', '/hooks/cli/doomed', hookBody({ task: { name: 'x', command: ['true'] } }));
    expect((await run('hooks', 'rm', 'cli', 'doomed')).stdout).toBe('removed cli/doomed\n');
    expect((await stack.api('GET', '/hooks/cli/doomed')).status).toBe(404);
  });

  it('schedule preview', async () => {
    const preview = await json(
      'schedule',
      'preview',
      '0 2 * * *',
      '--tz',
      'Europe/Berlin',
      '-n',
      '3',
      '--from',
      '2030-01-01T00:00:00Z',
    );
    expect(preview.times).toEqual([
      '2030-01-01T01:00:00.000Z',
      '2030-01-02T01:00:00.000Z',
      '2030-01-03T01:00:00.000Z',
    ]);
    const human = await run('schedule', 'preview', '0 2 * * *', '-n', '1', '--from', '2030-01-01T00:00:00Z');
    expect(human.stdout).toContain('2030-01-01 02:00:00Z');
    const bad = await run('schedule', 'preview', 'every tuesday');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/InputError \(HTTP 400\): invalid schedule/);
  });

  it('events put fires a bound hook; events test matches a pattern', async () => {
    await stack.api(
      'PUT',
      '/hooks/cli/bound',
      hookBody(
        { task: { name: 'on push', command: ['echo', { $eval: 'payload.sha' }] } },
        { bindings: [{ source: ['ci.cli'], 'detail-type': ['Push'] }] },
      ),
    );
    const put = await run(
      'events',
      'put',
      '--source',
      'ci.cli',
      '--detail-type',
      'Push',
      '--detail',
      '{"sha":"abc"}',
    );
    expect(put.code).toBe(0);
    expect(put.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    let runId: string | undefined;
    await expect
      .poll(async () => {
        const fires = await json('last-fires', 'cli', 'bound');
        runId = fires.lastFires[0]?.runId;
        return fires.lastFires[0]?.firedBy;
      })
      .toBe('event');
    expect((await stack.waitForRunFinished(runId!)).result).toBe('succeeded');

    const pattern = '{"source":["ci.cli"],"detail":{"branch":["main"]}}';
    const matches = await json(
      'events',
      'test',
      '--pattern',
      pattern,
      '--event',
      '{"source":"ci.cli","detail-type":"Push","detail":{"branch":"main"}}',
    );
    expect(matches).toEqual({ matches: true });
    const not = await run(
      'events',
      'test',
      '--pattern',
      pattern,
      '--event',
      '{"source":"ci.cli","detail-type":"Push","detail":{"branch":"dev"}}',
    );
    expect(not.stdout).toBe('does not match\n');
    expect((await run('events', 'test', '--pattern', '{"source":', '--event', '{}')).code).toBe(2);
  });

  it('clients: create, get, update, disable, enable, reset, ls, history, rm', async () => {
    const created = await json(
      'clients',
      'create',
      'ci-bot',
      '--scope',
      'hooks:trigger-hook:cli/*',
      '--description',
      'CI',
    );
    expect(created).toMatchObject({ clientId: 'ci-bot', scopes: ['hooks:trigger-hook:cli/*'] });
    expect(created.accessToken).toEqual(expect.any(String));
    // the new client can fire a hook of its scope but not list hooks
    const asBot = (...args: string[]) =>
      hookline.run([
        '--url',
        stack.url,
        '--client-id',
        'ci-bot',
        '--access-token',
        created.accessToken,
        ...args,
      ]);
    expect((await asBot('trigger', 'cli', 'echo', '{"who":"bot"}')).code).toBe(0);
    const denied = await asBot('hooks', 'ls');
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('InsufficientScopes (HTTP 403)');

    expect((await json('clients', 'update', 'ci-bot', '--description', 'CI bot')).description).toBe('CI bot');
    expect((await json('clients', 'disable', 'ci-bot')).disabled).toBe(true);
    expect((await asBot('trigger', 'cli', 'echo')).code).toBe(3);
    expect((await json('clients', 'enable', 'ci-bot')).disabled).toBe(false);
    const reset = await json('clients', 'reset', 'ci-bot');
    expect(reset.accessToken).not.toBe(created.accessToken);
    const shown = await run('clients', 'get', 'ci-bot');
    expect(shown.stdout).toMatch(/^client +ci-bot\ndescription CI bot\n/);
    const listed = await run('clients', 'ls', '--prefix', 'ci-');
    expect(listed.stdout).toMatch(/ci-bot\s+enabled\s+hooks:trigger-hook:cli\/\*/);
    const history = await json('clients', 'history', 'ci-bot');
    expect(history.history.map((r: { action: string }) => r.action)).toEqual(
      expect.arrayContaining(['create', 'update', 'disable', 'enable', 'reset-access-token']),
    );
    expect((await run('clients', 'rm', 'ci-bot')).stdout).toBe('removed client ci-bot\n');
    expect((await run('clients', 'get', 'ci-bot')).code).toBe(1);
  });

  it('hook-types: put from a YAML file, ls, get, rm', async () => {
    const file = join(hookline.home, 'greeter.yaml');
    writeFileSync(
      file,
      'description: says hello\nconfiguration:\n  greeting: {default: hi}\nevents:\n  run:\n    task: {name: greet, command: [echo, hi]}\n',
    );
    const put = await hookline.run([
      '--data-dir',
      dataDir,
      'hook-types',
      'put',
      'greeter',
      '-f',
      'greeter.yaml',
    ]);
    expect(put.stdout).toBe('hook type greeter stored\n');
    expect((await json('hook-types', 'get', 'greeter')).configuration.greeting.default).toBe('hi');
    expect((await run('hook-types', 'ls')).stdout).toMatch(/greeter\s+says hello/);
    writeFileSync(file, 'description: [broken\n');
    const broken = await hookline.run([
      '--data-dir',
      dataDir,
      'hook-types',
      'put',
      'greeter',
      '-f',
      'greeter.yaml',
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: greeter\.yaml:2:1: YAML error: /);
    expect((await run('hook-types', 'rm', 'greeter')).code).toBe(0);
    expect((await run('hook-types', 'get', 'greeter')).code).toBe(1);
  });

  it('completion bash|zsh from the command tree', async () => {
    const bash = await hookline.run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain("['runs']='ls get'");
    expect(bash.stdout).toContain(
      "['runs ls']='--hook --status --result --fired-by --since --until --limit --continuation-token --help'",
    );
    execFileSync('bash', ['-n'], { input: bash.stdout }); // a valid bash script
    const words = execFileSync(
      'bash',
      [
        '-c',
        `${bash.stdout}\nCOMP_WORDS=(hookline clients d); COMP_CWORD=2; _hookline; echo "\${COMPREPLY[*]}"`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(words.trim()).toBe('disable');
    expect((await hookline.run(['completion', 'zsh'])).stdout).toContain('bashcompinit');
    expect((await hookline.run(['completion', 'fish'])).code).toBe(2);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
