/**
 * Throw-away Unix users for the remote side. Each test host gets its own user whose HOME is
 * a temp dir under the run root, so Jupyter's runtime files, shell rc files and
 * authorized_keys never leak between tests or into a real account. Users carry the GECOS
 * marker below; stale ones from a crashed run are swept at the next run's start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { listProcesses, terminate } from './processes';
import { run, runChecked } from './processes';
import { waitFor } from './wait';

export const TEST_USER_MARKER = 'porthole-test-user';

export interface TestUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** useradd/userdel take a lock on /etc/passwd; parallel test files may collide on it. */
async function withPasswdLockRetry(file: string, args: string[], input?: string): Promise<void> {
  await waitFor(
    `${file} to get the /etc/passwd lock`,
    async () => {
      const result = await run(file, args, input === undefined ? {} : { input });
      if (result.code === 0) return true;
      if (/lock|try again/i.test(result.stderr)) return false;
      throw new Error(`${file} ${args[0] ?? ''} failed: ${result.stderr.trim()}`);
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
}

export async function createTestUser(parentDir: string): Promise<TestUser> {
  const name = `ph-${randomBytes(5).toString('hex')}`;
  const home = join(parentDir, name);
  await withPasswdLockRetry('useradd', ['--create-home', '--home-dir', home, '--shell', '/bin/bash', '--comment', TEST_USER_MARKER, '--user-group', name]);
  // A '!' (locked) password makes sshd refuse even key logins when UsePAM is off; '*' does not.
  await withPasswdLockRetry('usermod', ['--password', '*', name]);
  const uid = Number((await runChecked('id', ['-u', name])).trim());
  const gid = Number((await runChecked('id', ['-g', name])).trim());
  return { name, uid, gid, home };
}

/** Sets a login password (for password and keyboard-interactive tests); passed on stdin, never argv. */
export async function setPassword(user: TestUser, password: string): Promise<void> {
  await withPasswdLockRetry('chpasswd', [], `${user.name}:${password}\n`);
}

export function processesOf(uid: number) {
  return listProcesses().filter((proc) => proc.uid === uid);
}

/** Kills everything the user runs (Jupyter, shells, sshd session children), then deletes the user. */
export async function removeTestUser(user: TestUser): Promise<void> {
  const pids = processesOf(user.uid).map((proc) => proc.pid);
  if (pids.length > 0) await terminate(pids);
  await waitFor(`all processes of ${user.name} to exit`, () => processesOf(user.uid).length === 0);
  await withPasswdLockRetry('userdel', ['--force', user.name]);
}

/** Every user a test run created (they carry the marker in their GECOS field). */
export function allTestUsers(): TestUser[] {
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields[4] === TEST_USER_MARKER && fields[5] !== undefined)
    .map((fields) => ({ name: fields[0]!, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5]! }));
}

/** Test users left by an earlier run that crashed: their home (under a temp run root) is gone. */
export function staleTestUsers(): TestUser[] {
  return allTestUsers().filter((user) => !existsSync(user.home));
}
