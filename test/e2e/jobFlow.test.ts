import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatusView } from '../../functions/app/runQueries.ts';
import { processRuns } from '../support/processRuns.ts';
import { hookBody, startTestStack, type TestStack } from '../support/stack.ts';

/** The job flow through the real local stack: real processes, the real state machine engine, the real store. */
let stack: TestStack;
let counter = 0;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.cleanup();
});

const ok = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: ['true'], ...extra });
const bad = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: ['false'], ...extra });

async function runJob(
  job: Record<string, unknown>,
  payload: unknown = {},
  extra: Record<string, unknown> = {},
): Promise<RunStatusView> {
  const hookId = `job-${++counter}`;
  const created = await stack.api('PUT', `/hooks/flow/${hookId}`, hookBody(job, extra));
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const fired = await stack.api<{ runId: string }>('POST', `/hooks/flow/${hookId}/trigger`, payload);
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  return stack.waitForRunFinished(fired.body.runId, 30_000);
}

function statuses(run: RunStatusView) {
  return run.steps.map((s) => [s.name, s.status, s.reason ?? null]);
}

/** Borgitory's reference job: 2 pre-hooks, backup + prune tasks, 2 post-hooks, a notification. */
function borgitoryJob(
  overrides: {
    dump?: Record<string, unknown>;
    rotate?: Record<string, unknown>;
    backup?: Record<string, unknown>;
  } = {},
) {
  return {
    name: 'Backup',
    preHooks: [
      ok('Database Dump', { critical: true, ...overrides.dump }),
      ok('Stop Services', overrides.rotate),
    ],
    tasks: [ok('Backup', overrides.backup), ok('Prune')],
    postHooks: [ok('Restart Services'), ok('Health Check', { runOnFailure: true })],
    notify: [
      { name: 'Notification', command: ['sh', '-c', 'cat > /dev/null; printf "%s" "$HOOKLINE_SUMMARY"'] },
    ],
  };
}

describe('the four flows of the Borgitory job-hooks document', () => {
  it('all succeed', async () => {
    const run = await runJob(borgitoryJob());
    expect(run.result).toBe('succeeded');
    expect(statuses(run)).toEqual([
      ['Database Dump', 'succeeded', null],
      ['Stop Services', 'succeeded', null],
      ['Backup', 'succeeded', null],
      ['Prune', 'succeeded', null],
      ['Restart Services', 'succeeded', null],
      ['Health Check', 'succeeded', null],
      ['Notification', 'succeeded', null],
    ]);
    expect(run.steps.map((s) => s.phase)).toEqual(['pre', 'pre', 'task', 'task', 'post', 'post', 'notify']);
    const summary = JSON.parse(run.steps[6]!.output!.stdout!);
    expect(summary.title).toBe('✅ Backup completed successfully');
    expect(summary.counts).toEqual({ total: 6, succeeded: 6, failed: 0, skipped: 0, cancelled: 0 });
  });

  it('critical pre-hook fails: later pre-hooks and tasks skipped, only runOnFailure post-hooks run', async () => {
    const run = await runJob(borgitoryJob({ dump: { command: ['false'] } }));
    expect(run.result).toBe('failed');
    expect(statuses(run)).toEqual([
      ['Database Dump', 'failed', null],
      ['Stop Services', 'skipped', 'skipped due to critical hook failure'],
      ['Backup', 'skipped', 'skipped due to critical hook failure'],
      ['Prune', 'skipped', 'skipped due to critical hook failure'],
      ['Restart Services', 'skipped', 'skipped due to critical hook failure'],
      ['Health Check', 'succeeded', null],
      ['Notification', 'succeeded', null],
    ]);
    const summary = JSON.parse(run.steps[6]!.output!.stdout!);
    expect(summary.title).toBe('❌ Backup failed - critical hook error');
    expect(summary.failedStep).toBe('Database Dump');
    expect(summary.counts).toEqual({ total: 6, succeeded: 1, failed: 1, skipped: 4, cancelled: 0 });
  });

  it('task fails: the rest of the tasks skipped, runOnFailure post-hooks run', async () => {
    const job = borgitoryJob({ backup: { command: ['false'] } });
    job.postHooks[0] = ok('Restart Services', { runOnFailure: true });
    const run = await runJob(job);
    expect(run.result).toBe('failed');
    expect(statuses(run)).toEqual([
      ['Database Dump', 'succeeded', null],
      ['Stop Services', 'succeeded', null],
      ['Backup', 'failed', null],
      ['Prune', 'skipped', 'skipped due to critical task failure'],
      ['Restart Services', 'succeeded', null],
      ['Health Check', 'succeeded', null],
      ['Notification', 'succeeded', null],
    ]);
    expect(JSON.parse(run.steps[6]!.output!.stdout!).title).toBe('❌ Backup failed - critical task error');
  });

  it('non-critical pre-hook fails: everything else runs, completed with warnings', async () => {
    const run = await runJob(borgitoryJob({ rotate: { command: ['false'] } }));
    expect(run.result).toBe('succeeded_with_warnings');
    expect(statuses(run)).toEqual([
      ['Database Dump', 'succeeded', null],
      ['Stop Services', 'failed', null],
      ['Backup', 'succeeded', null],
      ['Prune', 'succeeded', null],
      ['Restart Services', 'succeeded', null],
      ['Health Check', 'succeeded', null],
      ['Notification', 'succeeded', null],
    ]);
    const summary = JSON.parse(run.steps[6]!.output!.stdout!);
    expect(summary.title).toBe('⚠️ Backup completed with warnings');
    expect(summary.failedSteps).toEqual(['Stop Services']);
    expect(run.counts).toEqual({ total: 7, succeeded: 6, failed: 1, skipped: 0, cancelled: 0 });
  });
});

describe('flow options', () => {
  it('continueOnFailure: false skips the rest of that phase only', async () => {
    const run = await runJob({
      preHooks: [bad('first', { continueOnFailure: false }), ok('second')],
      task: ok('main'),
      postHooks: [ok('after')],
    });
    expect(run.result).toBe('succeeded_with_warnings');
    expect(statuses(run)).toEqual([
      ['first', 'failed', null],
      [
        'second',
        'skipped',
        'skipped because an earlier step of this phase failed (continueOnFailure: false)',
      ],
      ['main', 'succeeded', null],
      ['after', 'succeeded', null],
    ]);
  });

  it('a non-critical task failure is a warning, not a failure', async () => {
    const run = await runJob({ tasks: [bad('flaky', { critical: false }), ok('next')] });
    expect(run.result).toBe('succeeded_with_warnings');
    expect(statuses(run).map((s) => s[1])).toEqual(['failed', 'succeeded']);
  });

  it('a post-hook sees the job status so far', async () => {
    const run = await runJob({
      task: bad('main'),
      postHooks: [
        {
          name: 'report',
          command: ['sh', '-c', 'echo "$HOOKLINE_JOB_STATUS $HOOKLINE_PHASE"'],
          runOnFailure: true,
        },
      ],
    });
    expect(run.steps[1]!.output!.stdout).toBe('failed post\n');
  });
});

describe('command steps', () => {
  it('times out: `sleep 600` is killed with its process group, reported as timed out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-timeout-'));
    const background = join(dir, 'background.pid');
    // The run ends within the test's timeout only if the whole group dies: a surviving background
    // `sleep 600` holds the output pipes open for ten minutes.
    const run = await runJob({
      task: {
        name: 'sleepy',
        command: `sleep 600 & echo $! > ${background}; sleep 600; wait`,
        timeoutSeconds: 1,
      },
      postHooks: [ok('cleanup', { runOnFailure: true })],
    });
    const pid = Number(readFileSync(background, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    expect(processRuns(pid)).toBe(false);
    expect(run.result).toBe('failed');
    expect(run.steps[0]).toMatchObject({ status: 'timed_out', error: { message: 'timed out after 1 s' } });
    expect(run.steps[1]!.status).toBe('succeeded');
  });

  it('has PATH and the HOOKLINE_* variables in its environment, with job and step env added', async () => {
    const run = await runJob({
      env: { FROM_JOB: 'job', SHARED: 'job' },
      task: {
        name: 'env',
        command:
          'echo "$PATH|$FROM_JOB|$SHARED|$HOOKLINE_HOOK_GROUP_ID|$HOOKLINE_STEP_INDEX|$HOOKLINE_STEP_NAME|$HOOKLINE_PHASE|$HOOKLINE_FIRED_BY|$HOOKLINE_RUN_ID"',
        env: { SHARED: 'step' },
      },
    });
    const [path, fromJob, shared, group, index, name, phase, firedBy, runId] =
      run.steps[0]!.output!.stdout!.trim().split('|');
    expect(path).toContain('/bin');
    expect([fromJob, shared, group, index, name, phase, firedBy]).toEqual([
      'job',
      'step',
      'flow',
      '0',
      'env',
      'task',
      'triggerHook',
    ]);
    expect(runId).toBe(run.runId);
  });

  it('reads the stdin JSON document (hook, run, payload, step, steps)', async () => {
    const run = await runJob(
      {
        task: {
          name: 'reader',
          command: [
            'node',
            '-e',
            'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s);console.log(JSON.stringify({who:d.payload.who,step:d.step,hook:d.hook.hookGroupId,steps:d.steps.length,run:d.run.runId}))})',
          ],
        },
      },
      { who: 'stdin' },
      { triggerSchema: { type: 'object', properties: { who: { type: 'string' } } } },
    );
    const doc = JSON.parse(run.steps[0]!.output!.stdout!);
    expect(doc).toEqual({
      who: 'stdin',
      step: { index: 0, name: 'reader', phase: 'task' },
      hook: 'flow',
      steps: 1,
      run: run.runId,
    });
  });

  it('never splices payload text into a shell line: an array command gets it as one argument', async () => {
    const run = await runJob(
      { task: { name: 'echo', command: ['printf', '%s', { $eval: 'payload.text' }] } },
      { text: '$(touch /tmp/hookline-pwned); `id`' },
      { triggerSchema: { type: 'object', properties: { text: { type: 'string' } } } },
    );
    expect(run.steps[0]!.output!.stdout).toBe('$(touch /tmp/hookline-pwned); `id`');
  });

  it('runs in cwd, under the given shell', async () => {
    const run = await runJob({
      task: { name: 'where', command: 'pwd; echo $0', cwd: '/tmp', shell: '/bin/bash' },
    });
    expect(run.steps[0]!.output!.stdout).toBe('/tmp\n/bin/bash\n');
  });

  it('shows error.message from the JSON protocol on stdout as the step error', async () => {
    const run = await runJob({
      task: {
        name: 'proto',
        command: ['sh', '-c', 'echo \'{"error":{"message":"disk full","code":28}}\'; exit 1'],
      },
    });
    expect(run.steps[0]).toMatchObject({
      status: 'failed',
      exitCode: 1,
      error: { message: 'disk full', code: 28 },
    });
  });

  it('applies a config update from stdout: the next run sees it', async () => {
    const hookId = `config-${++counter}`;
    const script =
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).hook.config;console.log(JSON.stringify({hook:{config:{update:{count:(c.count||0)+1},remove:["obsolete"]}}}))})';
    await stack.api(
      'PUT',
      `/hooks/flow/${hookId}`,
      hookBody({ task: { name: 'count', command: ['node', '-e', script] } }, { config: { obsolete: true } }),
    );
    for (let i = 0; i < 3; i++) {
      const fired = await stack.api<{ runId: string }>('POST', `/hooks/flow/${hookId}/trigger`, {});
      const run = await stack.waitForRunFinished(fired.body.runId);
      expect(run.result).toBe('succeeded');
    }
    const hook = await stack.api<{ config: Record<string, unknown> }>('GET', `/hooks/flow/${hookId}`);
    expect(hook.body.config).toEqual({ count: 3 });
  });

  it('keeps a 50 MB output bounded: head and tail kept, the cut said', async () => {
    const run = await runJob({
      task: {
        name: 'loud',
        command: ['sh', '-c', 'echo START; head -c 52428800 /dev/zero | tr "\\0" "x"; echo; echo END'],
      },
    });
    expect(run.result).toBe('succeeded');
    const output = await stack.api<{ stdout: string; truncated: boolean }>(
      'GET',
      `/runs/${run.runId}/steps/0/output`,
    );
    expect(output.body.truncated).toBe(true);
    expect(output.body.stdout.startsWith('START\n')).toBe(true);
    expect(output.body.stdout.endsWith('END\n')).toBe(true);
    expect(output.body.stdout).toMatch(/bytes cut from the middle of 524288\d\d bytes/);
    expect(Buffer.byteLength(output.body.stdout)).toBeLessThan(70 * 1024);
  });

  it('retries a failing step with backoff until it succeeds', async () => {
    const marker = `/tmp/hookline-retry-${process.pid}-${Date.now()}`;
    const run = await runJob({
      task: {
        name: 'flaky',
        command: [
          'sh',
          '-c',
          `n=$(cat ${marker} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${marker}; [ $n -ge 3 ]`,
        ],
        // 4 attempts must fit one step-function invocation (functions/core/stepBudget.ts)
        timeoutSeconds: 30,
        retry: { attempts: 3, backoffSeconds: 0.1 },
      },
    });
    expect(run.result).toBe('succeeded');
    expect(run.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
  });
});

describe('cancel and run timeout', () => {
  it('cancel kills the running command; remaining steps cancelled; runOnFailure post-hooks still run', async () => {
    const pidFile = `/tmp/hookline-cancel-${process.pid}-${Date.now()}`;
    const hookId = `cancel-${++counter}`;
    await stack.api(
      'PUT',
      `/hooks/flow/${hookId}`,
      hookBody({
        task: { name: 'long', command: ['sh', '-c', `echo $$ > ${pidFile}; exec sleep 600`] },
        postHooks: [ok('skipped-post'), ok('always', { runOnFailure: true })],
        // prints the summary it is given (its counts are the run's, before the notify steps)
        notify: [{ name: 'summary', command: ['sh', '-c', 'cat'] }],
      }),
    );
    const fired = await stack.api<{ runId: string }>('POST', `/hooks/flow/${hookId}/trigger`, {});
    const { readFileSync, existsSync } = await import('node:fs');
    const deadline = Date.now() + 10_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const cancelled = await stack.api('POST', `/runs/${fired.body.runId}/cancel`);
    expect(cancelled.status).toBe(200);
    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run.result).toBe('cancelled');
    expect(statuses(run).map((s) => s.slice(0, 2))).toEqual([
      ['long', 'cancelled'],
      ['skipped-post', 'cancelled'],
      ['always', 'succeeded'],
      ['summary', 'succeeded'],
    ]);
    // cancelled steps are counted as cancelled, not skipped; the notify summary counts the same way
    expect(run.counts).toEqual({ total: 4, succeeded: 2, failed: 0, skipped: 0, cancelled: 2 });
    const summary = JSON.parse(run.steps[3]!.output!.stdout!).summary;
    expect(summary.counts).toEqual({ total: 3, succeeded: 1, failed: 0, skipped: 0, cancelled: 2 });
    expect(() => process.kill(pid, 0)).toThrow();
    const again = await stack.api<{ code: string }>('POST', `/runs/${fired.body.runId}/cancel`);
    expect(again.status).toBe(409);
  });

  it('a whole-run timeoutSeconds ends the run as timed_out, runOnFailure post-hooks still run', async () => {
    const run = await runJob({
      timeoutSeconds: 1,
      preHooks: [ok('quick')],
      task: { name: 'slow', command: ['sleep', '600'] },
      postHooks: [ok('not-run'), ok('always', { runOnFailure: true })],
    });
    expect(run.result).toBe('timed_out');
    expect(statuses(run).map((s) => s.slice(0, 2))).toEqual([
      ['quick', 'succeeded'],
      ['slow', 'timed_out'],
      ['not-run', 'skipped'],
      ['always', 'succeeded'],
    ]);
  });
});

describe('http steps', () => {
  let server: Server;
  let url: string;
  const received: Array<{
    headers: Record<string, string | string[] | undefined>;
    body: string;
    method?: string;
  }> = [];
  let failuresBeforeSuccess = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body, method: req.method });
        if (req.url === '/flaky' && failuresBeforeSuccess > 0) {
          failuresBeforeSuccess--;
          res.writeHead(503).end('busy');
          return;
        }
        if (req.url === '/teapot') {
          res.writeHead(418).end('short and stout');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('posts a JSON body rendered from the context, signed with the hook secret', async () => {
    received.length = 0;
    const run = await runJob(
      {
        task: {
          name: 'webhook',
          http: { url: `${url}/hook`, body: { who: { $eval: 'payload.who' } }, sign: true },
        },
      },
      { who: 'webhook' },
      { triggerSchema: { type: 'object', properties: { who: { type: 'string' } } } },
    );
    expect(run.result).toBe('succeeded');
    expect(run.steps[0]!.output!.body).toBe('{"ok":true}');
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(JSON.parse(request.body)).toEqual({ who: 'webhook' });
    const signature = String(request.headers['x-hookline-signature']);
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
    expect(match).not.toBeNull();
    const secret = await stack.api<{ secret: string }>('GET', `/hooks/flow/job-${counter}/signing-secret`);
    expect(secret.status).toBe(200);
    const expected = createHmac('sha256', secret.body.secret)
      .update(`${match![1]}.${request.body}`)
      .digest('hex');
    expect(match![2]).toBe(expected);
  });

  it('fails on a non-2xx unless expectStatus allows it', async () => {
    const failed = await runJob({ task: { name: 'teapot', http: { url: `${url}/teapot` } } });
    expect(failed.steps[0]).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('418') },
    });
    const allowed = await runJob({
      task: { name: 'teapot', http: { url: `${url}/teapot`, expectStatus: [418] } },
    });
    expect(allowed.result).toBe('succeeded');
  });

  it('retries with backoff', async () => {
    failuresBeforeSuccess = 2;
    const run = await runJob({
      task: {
        name: 'flaky',
        http: { url: `${url}/flaky` },
        timeoutSeconds: 30,
        retry: { attempts: 3, backoffSeconds: 0.05 },
      },
    });
    expect(run.result).toBe('succeeded');
    expect(run.steps[0]!.attempts).toBe(3);
  });
});

describe('lambda and event steps', () => {
  it('invokes a function registered with the local stack, or says clearly none is', async () => {
    stack.registerFunction('double', (payload) => ({ doubled: (payload as { n: number }).n * 2 }));
    const run = await runJob({
      tasks: [{ name: 'call', lambda: { functionName: 'double', payload: { n: 21 } } }],
    });
    expect(run.result).toBe('succeeded');
    const output = await stack.api<{ data: unknown }>('GET', `/runs/${run.runId}/steps/0/output`);
    expect(output.body.data).toEqual({ doubled: 42 });

    const missing = await runJob({ tasks: [{ name: 'call', lambda: { functionName: 'nope' } }] });
    expect(missing.steps[0]!.error!.message).toContain('no local function named "nope" is registered');
  });

  it('puts an event on the bus', async () => {
    const seen: unknown[] = [];
    const unsubscribe = stack.bus.subscribe((event) => {
      if (event.source === 'tests.flow') seen.push(event);
    });
    const run = await runJob({
      task: { name: 'emit', event: { source: 'tests.flow', detailType: 'Thing Happened', detail: { n: 1 } } },
    });
    unsubscribe();
    expect(run.result).toBe('succeeded');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      source: 'tests.flow',
      'detail-type': 'Thing Happened',
      detail: { n: 1 },
    });
  });
});
