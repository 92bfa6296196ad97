import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { identifyGroup, killRecordedGroup } from '../../../functions/runners/processGroup.ts';
import { groupRuns } from '../../support/processRuns.ts';

/** Naming and killing a command's process group (functions/runners/processGroup.ts); Linux /proc. */

function spawnGroup(): number {
  const child = spawn('sh', ['-c', 'sleep 600 & sleep 600; wait'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

describe('process groups', () => {
  it('identifies a group by leader pid, start time and boot', () => {
    const pid = spawnGroup();
    try {
      const identity = identifyGroup(pid)!;
      expect(identity.pgid).toBe(pid);
      expect(identity.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
      expect(identity.startTicks).toBeGreaterThan(0);
      expect(identifyGroup(2 ** 22 + 1)).toBeUndefined();
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });

  it('kills the recorded group, every member, and says it is gone', async () => {
    const pid = spawnGroup();
    const identity = identifyGroup(pid)!;
    expect(groupRuns(pid)).toBe(true);
    expect(await killRecordedGroup(identity)).toBe(true);
    expect(groupRuns(pid)).toBe(false);
    // again: nothing left, nothing to do
    expect(await killRecordedGroup(identity)).toBe(true);
  });

  it('never kills a process that only shares the pid: another start time or another boot', async () => {
    const pid = spawnGroup();
    try {
      const identity = identifyGroup(pid)!;
      expect(await killRecordedGroup({ ...identity, startTicks: identity.startTicks + 1 })).toBe(true);
      expect(groupRuns(pid)).toBe(true);
      expect(await killRecordedGroup({ ...identity, bootId: 'another-boot' })).toBe(true);
      expect(groupRuns(pid)).toBe(true);
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });
});
