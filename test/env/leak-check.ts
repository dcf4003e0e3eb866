/** Finds what the suite started and left behind: processes under the run root or of a test user, and test users. */
import { listProcesses, type ProcessInfo } from './processes';
import { allTestUsers, type TestUser } from './test-user';

export function leftoverUsers(root: string): TestUser[] {
  return allTestUsers().filter((user) => user.home.startsWith(`${root}/`));
}

export function leftoverProcesses(root: string): ProcessInfo[] {
  const uids = new Set(leftoverUsers(root).map((user) => user.uid));
  return listProcesses().filter((proc) => proc.pid !== process.pid && (proc.cmdline.includes(root) || uids.has(proc.uid)));
}
