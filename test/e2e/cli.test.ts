import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../infra/local/cli.ts';
import { startTestStack, type TestStack, tempDataDir } from '../support/stack.ts';

/** The local CLI against a real stack, reading the credentials file the stack wrote. */
let stack: TestStack;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDataDir('hookline-cli-');
  stack = await startTestStack({ dataDir });
});
afterAll(async () => {
  await stack.cleanup();
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli([...argv, '--url', stack.url, '--data-dir', dataDir], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdin: () => '{}',
    env: {},
  });
  return { code, out, err };
}

describe('npm run hookline', () => {
  it('creates a hook, triggers it, waits for the run and prints its output', async () => {
    const file = join(dataDir, 'hook.json');
    writeFileSync(
      file,
      JSON.stringify({
        metadata: { name: 'cli', description: 'from the cli', owner: 'cli@example.com' },
        triggerSchema: { type: 'object', properties: { who: { type: 'string' } } },
        task: { task: { name: 'greet', command: ['echo', { $eval: '"hi " + payload.who' }] } },
      }),
    );
    expect((await cli('put', 'cli', 'demo', file)).code).toBe(0);
    const fired = await cli('trigger', 'cli', 'demo', '{"who":"cli"}');
    expect(fired.code).toBe(0);
    const runId = fired.out.trim();
    expect(runId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const waited = await cli('wait', runId);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.out).result).toBe('succeeded');
    expect((await cli('output', runId, '0')).out).toBe('hi cli\n');
    expect(JSON.parse((await cli('groups')).out)).toEqual({ groups: ['cli'] });
  });

  it('exits 1 with the API error for a failing call, 1 from wait for a failed run, 2 for usage', async () => {
    const missing = await cli('get', 'cli', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('404 ResourceNotFound: hook cli/nope does not exist');
    await stack.api('PUT', '/hooks/cli/fails', {
      metadata: { name: 'f', description: 'd', owner: 'a@example.com' },
      task: { task: { name: 'f', command: ['false'] } },
    });
    const fired = await cli('trigger', 'cli', 'fails');
    expect((await cli('wait', fired.out.trim())).code).toBe(1);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('get', 'only-one')).code).toBe(1);
  });
});
