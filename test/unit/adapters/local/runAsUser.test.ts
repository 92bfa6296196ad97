import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveRunAsUser } from '../../../../functions/adapters/local/runAsUser.ts';

/**
 * `--run-as USER` (functions/adapters/local/runAsUser.ts): the identity commands run as, and what is
 * refused at start. Only `nobody` is needed as another user (it exists on every Linux).
 */
const nobody = execFileSync('getent', ['passwd', 'nobody'], { encoding: 'utf8' }).trim().split(':');

describe('resolveRunAsUser', () => {
  it('resolves a user to its name, uid, gid and home from the passwd database', () => {
    expect(resolveRunAsUser('nobody', 0)).toEqual({
      user: 'nobody',
      uid: Number(nobody[2]),
      gid: Number(nobody[3]),
      home: nobody[5],
    });
  });

  it('is refused unless the stack runs as root, naming the uid it runs as', () => {
    expect(() => resolveRunAsUser('nobody', 1000)).toThrow(
      '--run-as nobody: the stack must run as root to run commands as another user (it runs as uid 1000)',
    );
    expect(() => resolveRunAsUser('nobody', undefined)).toThrow(
      /must run as root .*\(it runs as uid unknown\)/,
    );
  });

  it('refuses a user that does not exist', () => {
    expect(() => resolveRunAsUser('no-such-user-here', 0)).toThrow(
      '--run-as no-such-user-here: no such user',
    );
  });

  it('refuses root, by name or by uid', () => {
    expect(() => resolveRunAsUser('root', 0)).toThrow(
      '--run-as root: that user is root; name an unprivileged user',
    );
    expect(() => resolveRunAsUser('0', 0)).toThrow(/that user is root/);
  });

  it.each(['', '-x', 'a b', 'nobody:x', '../etc/passwd', 'nobody\nroot', '$(id)', 'x'.repeat(65)])(
    'refuses the malformed name %j as no such user',
    (name) => {
      expect(() => resolveRunAsUser(name, 0)).toThrow(`--run-as ${name}: no such user`);
    },
  );
});
