import { describe, expect, it } from 'vitest';
import {
  type HelperReport,
  type LaunchMessage,
  serveLaunches,
} from '../../../../functions/adapters/local/spawnHelper.ts';

describe('a spawn helper', () => {
  it('reports a command started, its output, its exit and its close, batched a turn of its loop at a time', async () => {
    const batches: HelperReport[][] = [];
    let launchListener!: (message: LaunchMessage) => void;
    const closed = new Promise<void>((resolve) =>
      serveLaunches({
        send: (reports) => {
          batches.push(reports);
          if (reports.some((report) => 'closed' in report)) resolve();
        },
        onLaunch: (listener) => {
          launchListener = listener;
        },
      }),
    );
    launchListener({
      id: 7,
      spec: { file: '/bin/sh', args: ['-c', 'cat; exit 2'], cwd: '/tmp', env: {}, stdin: 'in' },
    });
    await closed;
    const reports = batches.flat();
    expect(reports.every((report) => report.id === 7)).toBe(true);
    expect(reports[0]).toMatchObject({ started: { pid: expect.any(Number) } });
    const output = reports.flatMap((report) => ('output' in report ? [report.output] : []));
    expect(Buffer.concat(output.map((o) => o.chunk)).toString()).toBe('in');
    expect(output.every((o) => o.stream === 'stdout')).toBe(true);
    expect(reports.at(-1)).toEqual({ id: 7, closed: { code: 2, signal: null } });
    expect(reports.some((report) => 'exited' in report)).toBe(true);
  });

  it('sends the reports of one turn of its loop in one message', async () => {
    const batches: HelperReport[][] = [];
    let launchListener!: (message: LaunchMessage) => void;
    serveLaunches({
      send: (reports) => batches.push(reports),
      onLaunch: (listener) => (launchListener = listener),
    });
    // A uid that is not a number makes spawn throw at once: each launch reports its close in this turn.
    const refused = { file: '/bin/true', args: [], cwd: '/tmp', env: {}, stdin: '', uid: 1.5 };
    launchListener({ id: 1, spec: refused });
    launchListener({ id: 2, spec: refused });
    expect(batches).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((report) => report.id)).toEqual([1, 2]);
    expect(batches[0]!.every((report) => 'closed' in report && report.closed.error)).toBe(true);
  });
});
