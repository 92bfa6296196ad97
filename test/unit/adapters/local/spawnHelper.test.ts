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
    expect(batches.length).toBeLessThan(reports.length);
  });
});
