import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RunAsIdentity } from '../../runners/command.ts';

/**
 * `--run-as USER`: the user the local stack's commands run as, so that they cannot read the data
 * directory (0700, the server's) or the server's process. Only a stack running as root can switch
 * users; anything else is refused at start, as is an unknown user or root itself.
 */
export function resolveRunAsUser(name: string, currentUid: number | undefined): RunAsIdentity {
  if (currentUid !== 0) {
    throw new Error(
      `--run-as ${name}: the stack must run as root to run commands as another user (it runs as uid ${currentUid ?? 'unknown'})`,
    );
  }
  const entry = passwdEntry(name);
  if (!entry) throw new Error(`--run-as ${name}: no such user`);
  const [user, , uidText, gidText, , home] = entry.split(':');
  const uid = Number(uidText);
  const gid = Number(gidText);
  if (!user || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error(`--run-as ${name}: the user's passwd entry cannot be read`);
  }
  if (uid === 0) throw new Error(`--run-as ${name}: that user is root; name an unprivileged user`);
  return { user, uid, gid, home: home || '/' };
}

/** The user's passwd line (getent, so NSS users count; /etc/passwd when getent is missing). */
function passwdEntry(name: string): string | undefined {
  if (!/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/.test(name)) return undefined;
  try {
    return execFileSync('getent', ['passwd', name], { encoding: 'utf8', timeout: 5000 }).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.split(':')[0] === name);
}
