import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStackOptions } from '../../../infra/local/localStack.ts';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../../support/stack.ts';
import { buildHookline, cleanEnv, type Hookline } from './hookline.ts';

/**
 * The commands that use issue 13's endpoints (API-CONTRACT.md): GET /runs, the run events stream
 * (SSE, Last-Event-ID), the output endpoint with offsets, render, and getHookStatus's runState/runResult.
 * The stack closes each events stream after every batch it sends (as behind API Gateway), so every
 * follow here reconnects with Last-Event-ID many times; output must come out whole, once.
 */
let stack: TestStack;
let dataDir: string;
let hookline: Hookline;
let work: string;
const run = (...args: string[]) => hookline.run(['--data-dir', dataDir, ...args], { cwd: work });
const json = async (...args: string[]) => {
  const result = await run('--json', ...args);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
};

/** A two-step job whose first step prints, waits until the test creates `payload.gate`, prints again. */
const gated = hookBody(
  {
    name: 'gated',
    env: { GATE: { $eval: 'payload.gate' } },
    tasks: [
      { name: 'wait', command: 'echo first; while [ ! -e "$GATE" ]; do sleep 0.05; done; echo second' },
      { name: 'after', command: ['echo', 'done'] },
    ],
  },
  {
    triggerSchema: { type: 'object', properties: { gate: { type: 'string' } }, additionalProperties: false },
  },
);

beforeAll(async () => {
  dataDir = tempDataDir('hookline-live-stack-');
  work = mkdtempSync(join(tmpdir(), 'hookline-live-'));
  const settings = {
    eventStreams: { pollMs: 50, maxLifeMs: 60_000, endAfterNewEvents: true, maxPerClient: 16 },
  } as LocalStackOptions['settings'];
  [stack, hookline] = await Promise.all([startTestStack({ dataDir, settings }), buildHookline()]);
  expect((await stack.api('PUT', '/hooks/live/gated', gated)).status).toBe(200);
  await stack.api('PUT', '/hooks/live/ok', hookBody({ task: { name: 'ok', command: ['echo', 'ok'] } }));
  await stack.api(
    'PUT',
    '/hooks/live/fails',
    hookBody({ task: { name: 'fails', command: ['sh', '-c', 'echo bad >&2; exit 3'] } }),
  );
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A hookline child process whose output can be awaited as it arrives. */
function startHookline(args: string[], wrapInPty = false) {
  const argv = ['--data-dir', dataDir, ...args];
  const child = wrapInPty
    ? spawn(
        'script',
        ['-qfec', [process.execPath, hookline.bin, ...argv].map(shellQuote).join(' '), '/dev/null'],
        {
          cwd: work,
          env: cleanEnv(hookline.home, { COLUMNS: '120', TERM: 'xterm', NO_COLOR: '1' }),
        },
      )
    : spawn(process.execPath, [hookline.bin, ...argv], { cwd: work, env: cleanEnv(hookline.home) });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (d) => {
    stdout += d;
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    async until(test: (out: string) => boolean) {
      while (!test(stdout)) {
        const more = new Promise<void>((wake) => waiters.push(wake));
        const ended = await Promise.race([more.then(() => false), exited.then(() => true)]);
        if (ended && !test(stdout))
          throw new Error(`hookline ended first; stdout: ${stdout}\nstderr: ${stderr}`);
      }
    },
  };
}

const ESC = String.fromCharCode(27);
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

describe('hookline logs --follow', () => {
  it('streams a running step’s output as it arrives and ends with the run', async () => {
    const gate = join(work, 'gate-logs');
    const runId = (await run('trigger', 'live', 'gated', JSON.stringify({ gate }))).stdout.trim();
    const logs = startHookline(['logs', runId, '--follow']);
    await logs.until((out) => out.includes('first\n'));
    expect(logs.stdout).toBe('first\n'); // the step is still running: nothing more yet
    writeFileSync(gate, '');
    expect(await logs.exited).toBe(0);
    expect(logs.stdout).toBe('first\nsecond\ndone\n');
    expect(logs.stderr).toContain('── step 0 task wait');
    expect(logs.stderr).toContain('── step 1 task after');
    const one = startHookline(['logs', runId, '--follow', '--step', '1']);
    expect(await one.exited).toBe(0);
    expect(one.stdout).toBe('done\n');
  });

  it('exits 1 when the run fails, with the failing step’s stderr', async () => {
    const runId = (await run('trigger', 'live', 'fails')).stdout.trim();
    const logs = await run('logs', runId, '--follow');
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain('bad\n');
    expect(logs.stderr).toContain(`error: run ${runId} failed`);
  });
});

describe('hookline watch', () => {
  it('redraws the steps in place in a terminal, with the running step’s output and progress', async () => {
    const gate = join(work, 'gate-watch');
    const runId = (await run('trigger', 'live', 'gated', JSON.stringify({ gate }))).stdout.trim();
    const watch = startHookline(['watch', runId], true);
    await watch.until((out) => out.includes('│ first'));
    expect(watch.stdout).toMatch(/▶ +0 task +wait +running/);
    expect(watch.stdout).toMatch(/· +1 task +after +pending/);
    expect(watch.stdout).toContain('] 0/2');
    writeFileSync(gate, '');
    expect(await watch.exited).toBe(0);
    const screen = watch.stdout;
    expect(screen).toMatch(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`)); // drawn again over itself
    expect(screen).not.toMatch(new RegExp(`${ESC}\\[\\d+m`)); // NO_COLOR: no colours, only cursor movement
    expect(screen).toMatch(/✓.* +0 task +wait +.*succeeded/);
    expect(screen).toMatch(/✓.* +1 task +after +.*succeeded/);
    expect(screen).toContain(`live/gated  run ${runId}`);
    expect(screen).toContain('] 2/2');
  });

  it('writes a line per change when stdout is not a terminal', async () => {
    const runId = (await run('trigger', 'live', 'fails')).stdout.trim();
    const watch = await run('watch', runId);
    expect(watch.code).toBe(1);
    expect(watch.stdout).toMatch(new RegExp(`^live/fails  run ${runId}  \\w+\\n`));
    expect(watch.stdout).toMatch(/step 0 task fails: failed \(\d/);
    expect(watch.stdout).toMatch(new RegExp(`live/fails  run ${runId}  failed\\n$`));
    expect(watch.stdout).not.toContain('\x1b[');
  });
});

describe('hookline trigger --wait', () => {
  it('follows the run: exit 0 when it succeeds, 1 when it fails; --json prints the finished run', async () => {
    const ok = await run('trigger', 'live', 'ok', '--wait');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/step 0 task ok: succeeded/);
    expect(ok.stdout).toMatch(/run \S+ {2}succeeded\n$/);
    const failed = await run('--json', 'trigger', 'live', 'fails', '--wait');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'finished', result: 'failed' });
  });
});

describe('hookline runs ls', () => {
  it('lists runs across hooks with the filters, newest first, a page at a time', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const a = (await json('trigger', 'live', 'ok')).runId as string;
    const b = (await json('trigger', 'live', 'fails')).runId as string;
    await Promise.all([stack.waitForRunFinished(a), stack.waitForRunFinished(b)]);
    const all = await json('runs', 'ls', '--since', since);
    expect(all.runs.map((r: { runId: string }) => r.runId).slice(0, 2)).toEqual([b, a]);
    const failedOnly = await json('runs', 'ls', '--hook', 'live/fails', '--result', 'failed');
    expect(
      failedOnly.runs.every(
        (r: { hookId: string; result: string }) => r.hookId === 'fails' && r.result === 'failed',
      ),
    ).toBe(true);
    expect(failedOnly.runs.map((r: { runId: string }) => r.runId)).toContain(b);
    expect((await json('runs', 'ls', '--hook', 'live', '--fired-by', 'schedule')).runs).toEqual([]);
    const page = await run('runs', 'ls', '--since', since, '--limit', '1');
    expect(page.stdout).toMatch(
      new RegExp(
        `^RUN\\s+HOOK\\s+FIRED BY\\s+CREATED\\s+STATE\\s+DURATION\\n${b}\\s+live/fails\\s+triggerHook\\s+\\S+ \\S+\\s+failed`,
      ),
    );
    const token = /--continuation-token (\S+)/.exec(page.stderr)?.[1];
    expect(token).toBeDefined();
    const next = await json('runs', 'ls', '--since', since, '--limit', '1', '--continuation-token', token!);
    expect(next.runs[0].runId).toBe(a);
    expect((await run('runs', 'ls', '--status', 'done')).code).toBe(2);
    expect((await run('runs', 'ls', '--since', 'yesterday')).code).toBe(2);
  });

  it('hooks status shows the last run’s state and result beside the fire', async () => {
    const runId = (await json('trigger', 'live', 'fails')).runId as string;
    await stack.waitForRunFinished(runId);
    const status = await run('hooks', 'status', 'live', 'fails');
    expect(status.stdout).toMatch(
      new RegExp(`^last fire: success at \\S+ \\S+ run ${runId} finished failed\\n`),
    );
  });
});

describe('hookline render', () => {
  it('renders a stored hook or a file for a firing context, and says a template error with its path', async () => {
    const rendered = await json('render', 'live', 'gated', '--payload', '{"gate":"/tmp/x"}');
    expect(rendered.job).toMatchObject({ name: 'gated', env: { GATE: '/tmp/x' } });
    const human = await run('render', 'live', 'gated', '--payload', '{"gate":"/tmp/x"}');
    expect(human.stdout).toContain('GATE: /tmp/x');
    writeFileSync(
      join(work, 'draft.yaml'),
      'hookGroupId: drafts\nhookId: one\nmetadata: {name: d, description: d, owner: d@example.com}\ntriggerSchema: {type: object}\ntask:\n  $if: payload.go\n  then: {task: {name: t, command: [echo, {$eval: payload.word}]}}\n  else: null\n',
    );
    const declined = await run('render', '-f', 'draft.yaml', '--payload', '{"go":false}');
    expect(declined.stderr).toBe('');
    expect(declined.stdout).toBe('declined: the template renders null, nothing would run\n');
    const fromFile = await json('render', '-f', 'draft.yaml', '--payload', '{"go":true,"word":"hi"}');
    expect(JSON.stringify(fromFile.job)).toContain('"command":["echo","hi"]');
    const broken = await run('render', '-f', 'draft.yaml', '--payload', '{"go":true}');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error: InputError \(HTTP 400\): .*word/);
    expect((await run('render', 'live', 'gated', '--payload', '{oops')).code).toBe(2);
  });
});
