import { existsSync, readFileSync } from 'node:fs';

/**
 * Whether a process with this pid still runs: signal 0 sends nothing, and a zombie (killed, not yet
 * reaped by its parent) does not run. Without /proc (macOS) a process that answers signal 0 runs.
 */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return !existsSync('/proc/self');
  }
}

/** Whether any process of this process group is still there (signal 0 to the group). */
export function groupRuns(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
