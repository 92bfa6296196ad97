import { readFileSync } from 'node:fs';
import type { StepProcess } from '../core/runModel.ts';

/**
 * Naming a command's process group so that recovery, after a crash of the server, kills it and never
 * an unrelated process that reused the pid: the leader's start time and the boot it belongs to are
 * recorded with the pgid. Linux (/proc); elsewhere no identity is recorded and nothing is killed.
 *
 * A group is ours to kill when the boot is the same and either its leader still runs with the recorded
 * start time, or no process has the leader's pid at all — Linux never hands out a pid that is still a
 * process group id, so members of our group may outlive the leader but the id cannot be reused by others.
 */
let bootIdRead: { id: string | undefined } | undefined;

/** This boot's id, read once: it cannot change while this process lives. */
function readBootId(): string | undefined {
  if (bootIdRead) return bootIdRead.id;
  try {
    bootIdRead = { id: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() };
  } catch {
    bootIdRead = { id: undefined };
  }
  return bootIdRead.id;
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may contain spaces). */
function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** The identity of a group just spawned (its leader is `pid`), or undefined where /proc is missing. */
export function identifyGroup(pid: number): StepProcess | undefined {
  const bootId = readBootId();
  const startTicks = startTicksOf(pid);
  if (bootId === undefined || startTicks === undefined) return undefined;
  return { pgid: pid, startTicks, bootId };
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Kills the recorded group if it is still ours and still alive, and resolves once no member is left
 * (at most `waitMs`; false if members remain).
 */
export async function killRecordedGroup(recorded: StepProcess, waitMs = 3000): Promise<boolean> {
  if (readBootId() !== recorded.bootId) return true;
  const leaderTicks = startTicksOf(recorded.pgid);
  if (leaderTicks !== undefined && leaderTicks !== recorded.startTicks) return true;
  if (!groupExists(recorded.pgid)) return true;
  try {
    process.kill(-recorded.pgid, 'SIGKILL');
  } catch {
    return true;
  }
  const deadline = Date.now() + waitMs;
  while (groupExists(recorded.pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return !groupExists(recorded.pgid);
}
