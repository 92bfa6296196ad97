import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import { CallbackRegistry } from '../../../functions/app/callbackRegistry.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

describe('handler directories (Igor)', () => {
  let stack: TestStack;
  let dir: string;
  let log: string;
  let logDir: string;
  let release: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-handlers-'));
    logDir = mkdtempSync(join(tmpdir(), 'hookline-handler-log-'));
    log = join(logDir, 'calls.log');
    release = join(logDir, 'release');
    writeFileSync(
      join(dir, '10-record.sh'),
      `#!/bin/sh\nbody=$(cat)\necho "$1 $2 $(printf '%s' "$body" | head -c 40)" >> ${log}\n`,
    );
    writeFileSync(join(dir, '20-fails.sh'), '#!/bin/sh\necho broken >&2\nexit 7\n');
    // Blocks until the test releases it: a run that waited for its handlers could never finish first.
    writeFileSync(join(dir, '30-waits.sh'), `#!/bin/sh\nwhile [ ! -e ${release} ]; do sleep 0.05; done\n`);
    writeFileSync(join(dir, 'README.txt'), 'not a handler');
    chmodSync(join(dir, '10-record.sh'), 0o755);
    chmodSync(join(dir, '20-fails.sh'), 0o755);
    chmodSync(join(dir, '30-waits.sh'), 0o755);
    // Each call's timeout (the kill of a handler that hangs) is proved by
    // test/unit/adapters/local/handlerDirectory.test.ts; here no call may end before the release.
    stack = await startTestStack({ dataDir: null, handlersDir: dir, handlerTimeoutMs: 25_000 });
  });
  afterAll(async () => {
    await stack.cleanup();
    rmSync(dir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  });

  it("calls every executable with Igor's event names in order for one run, never blocking the run", async () => {
    await stack.api(
      'PUT',
      '/hooks/igor/job',
      hookBody({
        preHooks: [{ name: 'setup', command: ['true'] }],
        task: { name: 'test', command: ['true'] },
      }),
    );
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/igor/job/trigger', {});
    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run.result).toBe('succeeded');
    // the run finished while its first handler call of 30-waits.sh still waited: the run waits for no handler
    const waiting = () => stack.handlers!.calls.filter((c) => c.handler.endsWith('30-waits.sh'));
    expect(waiting()).toEqual([]);
    writeFileSync(release, '');
    await stack.bus.drain();
    await stack.handlers!.drain();
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      `pre-job ${run.runId}`,
      `post-start ${run.runId}`,
      `post-testcase ${run.runId}`,
      `post-testcase ${run.runId}`,
      `post-job ${run.runId}`,
      `post-end ${run.runId}`,
    ]);
    expect(lines[0]).toContain('{"event":"pre-job"');
    const failing = stack.handlers!.calls.filter((c) => c.handler.endsWith('20-fails.sh'));
    expect(failing.map((c) => [c.exitCode, c.stderr])).toEqual(Array(6).fill([7, 'broken\n']));
    expect(waiting().map((c) => [c.event, c.exitCode, c.timedOut])).toEqual([
      ['pre-job', 0, false],
      ['post-start', 0, false],
      ['post-testcase', 0, false],
      ['post-testcase', 0, false],
      ['post-job', 0, false],
      ['post-end', 0, false],
    ]);
  });

  it('reports a handler that is not executable once, not silently', () => {
    const reports = stack.logs.lines.filter((l) => l.message.startsWith('handler is not executable'));
    expect(reports).toHaveLength(1);
    expect(reports[0]!.fields!.handler).toBe(join(dir, 'README.txt'));
  });
});

describe('in-process callbacks (INGInious)', () => {
  it('run in priority order; an exception is logged and isolated; call collects the values', async () => {
    const logger = memoryLogger();
    const registry = new CallbackRegistry(logger);
    const order: string[] = [];
    registry.on('thing', () => {
      order.push('default-a');
      return 'a';
    });
    registry.on(
      'thing',
      () => {
        order.push('high');
        return 'high';
      },
      { priority: 10 },
    );
    registry.on(
      'thing',
      () => {
        order.push('thrower');
        throw new Error('boom');
      },
      { priority: 5 },
    );
    const removed = () => {
      order.push('removed');
      return 'removed';
    };
    registry.on('thing', removed);
    registry.on(
      'thing',
      async () => {
        order.push('low');
        return 'low';
      },
      { priority: -1 },
    );
    expect(registry.off('thing', removed)).toBe(true);
    expect(registry.off('thing', removed)).toBe(false);
    expect(await registry.call('thing', { x: 1 })).toEqual(['high', 'a', 'low']);
    expect(order).toEqual(['high', 'thrower', 'default-a', 'low']);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(String(logger.lines[0]!.fields!.error)).toContain('boom');
  });

  it('receive the lifecycle events of an embedded stack', async () => {
    const stack = await startTestStack({ dataDir: null });
    try {
      const seen: string[] = [];
      stack.on('*', (event) => {
        seen.push((event as { 'detail-type': string })['detail-type']);
      });
      const finished = new Promise<unknown>((resolve) => stack.on('Run Finished', resolve));
      await stack.api('PUT', '/hooks/embed/one', hookBody({ task: { name: 't', command: ['true'] } }));
      await stack.api('POST', '/hooks/embed/one/trigger', {});
      const event = (await finished) as { detail: { result: string } };
      expect(event.detail.result).toBe('succeeded');
      await stack.bus.drain();
      expect(seen).toEqual([
        'Hook Created',
        'Hook Fired',
        'Run Started',
        'Step Started',
        'Step Finished',
        'Run Finished',
      ]);
    } finally {
      await stack.cleanup();
    }
  });

  it('the documented example runs', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'examples/embed.ts'], { timeout: 60_000 });
    expect(stdout).toContain("greetings: [ 'hello', 'bonjour' ]");
    expect(stdout).toMatch(/first \(priority 10\): succeeded\n(.|\n)*last \(priority -1\)/);
    expect(stdout).toMatch(/run \S+ succeeded "from the embedded stack\\n"/);
  }, 60_000);
});
