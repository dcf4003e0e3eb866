/**
 * Vitest global setup for suites that use real services: checks the machine, makes the run
 * directory, sweeps test users a crashed run left behind, and at the end fails the run if
 * any process the suite started is still alive.
 */
import { rmSync } from 'node:fs';
import { createRunRoot, RUN_ROOT_ENV } from './run-dir';
import { environmentProblem } from './system-deps';
import { leftoverProcesses, leftoverUsers } from './leak-check';
import { terminate } from './processes';
import { removeTestUser, staleTestUsers } from './test-user';

export default async function setup(): Promise<() => Promise<void>> {
  // Both the integration and browser projects list this setup; the first one owns the run.
  if (process.env[RUN_ROOT_ENV]) return async () => undefined;

  const problem = environmentProblem();
  if (problem !== null) throw new Error(`${problem}\n(\`npm test\` installs missing packages automatically when run as root.)`);

  for (const stale of staleTestUsers()) await removeTestUser(stale);

  const root = createRunRoot('test');
  process.env[RUN_ROOT_ENV] = root;

  return async () => {
    const leftovers = leftoverProcesses(root);
    const users = leftoverUsers(root);
    if (leftovers.length > 0) await terminate(leftovers.map((proc) => proc.pid));
    for (const user of users) await removeTestUser(user);
    rmSync(root, { recursive: true, force: true });
    const problems = [
      ...leftovers.map((p) => `  process ${p.pid} uid=${p.uid} ${p.cmdline}`),
      ...users.map((user) => `  test user ${user.name}`),
    ];
    if (problems.length > 0) {
      // Vitest only logs teardown errors; the exit code is what makes the run fail.
      process.exitCode = 1;
      throw new Error(`Tests left these behind (now cleaned up); a test is missing its stop():\n${problems.join('\n')}`);
    }
  };
}
