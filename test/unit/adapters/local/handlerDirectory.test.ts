import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../../functions/adapters/jsonLogger.ts';
import { HandlerDirectory, igorNamesFor } from '../../../../functions/adapters/local/handlerDirectory.ts';
import { LIFECYCLE_SOURCE } from '../../../../functions/app/lifecycleEvents.ts';
import type { DeliveredEvent } from '../../../../functions/ports/bus.ts';
import { processRuns } from '../../../support/processRuns.ts';

/** Igor-style handler directories (functions/adapters/local/handlerDirectory.ts), in process. */
const lifecycle = (detailType: string, detail: Record<string, unknown>): DeliveredEvent => ({
  id: `e-${Math.random()}`,
  source: LIFECYCLE_SOURCE,
  'detail-type': detailType,
  detail,
  time: '2030-01-01T00:00:00Z',
});

describe('igorNamesFor', () => {
  it("maps lifecycle events to Igor's names and ignores everything else", () => {
    expect(igorNamesFor(lifecycle('Run Started', { runId: 'r' }))).toEqual(['pre-job']);
    expect(igorNamesFor(lifecycle('Step Started', { runId: 'r', index: 0 }))).toEqual(['post-start']);
    expect(igorNamesFor(lifecycle('Step Started', { runId: 'r', index: 1 }))).toEqual([]);
    expect(igorNamesFor(lifecycle('Step Finished', { runId: 'r', index: 3 }))).toEqual(['post-testcase']);
    expect(igorNamesFor(lifecycle('Run Finished', { runId: 'r' }))).toEqual(['post-job', 'post-end']);
    expect(igorNamesFor(lifecycle('Hook Fired', { runId: 'r' }))).toEqual([]);
    expect(igorNamesFor({ ...lifecycle('Run Started', { runId: 'r' }), source: 'shop' })).toEqual([]);
  });
});

describe('HandlerDirectory', () => {
  let dir: string;
  let out: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-handler-unit-'));
    out = mkdtempSync(join(tmpdir(), 'hookline-handler-out-'));
    writeFileSync(join(dir, '10-record.sh'), `#!/bin/sh\necho "$1 $2 $(cat | head -c 20)" >> ${out}/calls\n`);
    writeFileSync(join(dir, '20-second.sh'), `#!/bin/sh\necho "second $1" >> ${out}/calls\n`);
    writeFileSync(join(dir, 'notes.txt'), 'not a handler');
    chmodSync(join(dir, '10-record.sh'), 0o755);
    chmodSync(join(dir, '20-second.sh'), 0o755);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('calls each executable in name order per event, in event order per run, with the event on stdin', async () => {
    const logger = memoryLogger();
    const handlers = new HandlerDirectory({ directory: dir, logger });
    // The subscriber never waits for the calls: the bus (and so the run) goes on at once.
    await handlers.onEvent(lifecycle('Run Started', { runId: 'r1' }));
    expect(handlers.calls).toEqual([]);
    await handlers.onEvent(lifecycle('Run Finished', { runId: 'r1' }));
    await handlers.onEvent(lifecycle('Hook Fired', { runId: 'r1' }));
    await handlers.drain();

    expect(readFileSync(join(out, 'calls'), 'utf8')).toBe(
      [
        'pre-job r1 {"event":"pre-job","',
        'second pre-job',
        'post-job r1 {"event":"post-job",',
        'second post-job',
        'post-end r1 {"event":"post-end",',
        'second post-end',
        '',
      ].join('\n'),
    );
    expect(
      handlers.calls.map((c) => [c.handler.slice(dir.length + 1), c.event, c.exitCode, c.timedOut]),
    ).toEqual([
      ['10-record.sh', 'pre-job', 0, false],
      ['20-second.sh', 'pre-job', 0, false],
      ['10-record.sh', 'post-job', 0, false],
      ['20-second.sh', 'post-job', 0, false],
      ['10-record.sh', 'post-end', 0, false],
      ['20-second.sh', 'post-end', 0, false],
    ]);
    expect(logger.lines.filter((l) => l.message === 'handler called')).toHaveLength(6);
  });

  it('a handler that hangs is killed, its process group with it, at its timeout and logged', async () => {
    const hanging = mkdtempSync(join(tmpdir(), 'hookline-handler-hang-'));
    const pidFile = join(hanging, 'child.pid');
    writeFileSync(join(hanging, 'hangs.sh'), `#!/bin/sh\nsleep 600 &\necho $! > ${pidFile}\nwait\n`);
    chmodSync(join(hanging, 'hangs.sh'), 0o755);
    const logger = memoryLogger();
    const handlers = new HandlerDirectory({ directory: hanging, logger, timeoutMs: 1000 });
    await handlers.onEvent(lifecycle('Run Started', { runId: 'r2' }));
    await handlers.drain();
    expect(handlers.calls.map((c) => [c.event, c.exitCode, c.timedOut])).toEqual([['pre-job', null, true]]);
    const timedOut = logger.lines.filter((l) => l.message === 'handler timed out after 1 s');
    expect(timedOut.map((l) => l.fields)).toEqual([
      expect.objectContaining({ event: 'pre-job', runId: 'r2', timedOut: true }),
    ]);
    const child = Number(readFileSync(pidFile, 'utf8'));
    rmSync(hanging, { recursive: true, force: true });
    expect(processRuns(child)).toBe(false);
  });

  it('reports a file that is not executable once, however often it scans', () => {
    const logger = memoryLogger();
    const handlers = new HandlerDirectory({ directory: dir, logger });
    expect(handlers.scan().map((p) => p.slice(dir.length + 1))).toEqual(['10-record.sh', '20-second.sh']);
    handlers.scan();
    const reports = logger.lines.filter((l) => l.message.startsWith('handler is not executable'));
    expect(reports.map((r) => r.fields?.handler)).toEqual([join(dir, 'notes.txt')]);
  });

  it('logs an unreadable directory as an error and calls nothing', async () => {
    const logger = memoryLogger();
    const handlers = new HandlerDirectory({ directory: join(dir, 'missing'), logger });
    await handlers.onEvent(lifecycle('Run Started', { runId: 'r2' }));
    await handlers.drain();
    expect(handlers.calls).toEqual([]);
    expect(
      logger.lines.some((l) => l.level === 'error' && l.message === 'handler directory unreadable'),
    ).toBe(true);
  });

  it('a failing handler is recorded with its exit code and stderr, never thrown', async () => {
    const failing = mkdtempSync(join(tmpdir(), 'hookline-handler-fail-'));
    writeFileSync(join(failing, 'fails.sh'), '#!/bin/sh\necho broken >&2\nexit 7\n');
    chmodSync(join(failing, 'fails.sh'), 0o755);
    const logger = memoryLogger();
    const handlers = new HandlerDirectory({ directory: failing, logger });
    await handlers.onEvent(lifecycle('Step Finished', { runId: 'r3', index: 0 }));
    await handlers.drain();
    rmSync(failing, { recursive: true, force: true });
    expect(handlers.calls.map((c) => [c.event, c.exitCode, c.stderr, c.timedOut])).toEqual([
      ['post-testcase', 7, 'broken\n', false],
    ]);
    expect(logger.lines.find((l) => l.message === 'handler failed')?.fields).toMatchObject({ exitCode: 7 });
  });
});
