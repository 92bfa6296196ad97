import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { identifyGroup } from '../../functions/runners/processGroup.ts';

/**
 * One stack per data directory: `<dataDir>/hookline.lock` holds the owner's pid, its start time and
 * the boot it belongs to (functions/runners/processGroup.ts), created exclusively. A lock whose owner no
 * longer runs — killed with -9, a reboot, a pid reused by another program — is stale and taken over,
 * so nothing needs cleaning by hand; a live owner makes the second start fail at once.
 */
export class DataDirInUse extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `the data directory ${dataDir} is in use by another hookline (pid ${pid}); stop it or use another --data-dir`,
    );
    this.name = 'DataDirInUse';
  }
}

interface LockOwner {
  pid: number;
  startTicks?: number;
  bootId?: string;
}

function ownerIsAlive(owner: LockOwner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  const now = identifyGroup(owner.pid);
  if (now) return now.bootId === owner.bootId && now.startTicks === owner.startTicks;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws DataDirInUse; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'hookline.lock');
  const self = identifyGroup(process.pid);
  const content = JSON.stringify({ pid: process.pid, startTicks: self?.startTicks, bootId: self?.bootId });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, content);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8') === content) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    } catch {
      owner = undefined; // unreadable or half-written by a start killed right there: stale
    }
    if (owner && owner.pid !== process.pid && ownerIsAlive(owner)) throw new DataDirInUse(dataDir, owner.pid);
    try {
      unlinkSync(file);
    } catch {
      // another start removed it first; try again
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
