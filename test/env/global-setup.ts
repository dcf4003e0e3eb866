/**
 * Vitest global setup for suites that use real services: checks the machine, makes the run
 * directory and the test CA of the HTTPS stand-ins, sweeps test users a crashed run left
 * behind, and at the end fails the run if any process the suite started is still alive.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunRoot, RUN_ROOT_ENV } from './run-dir';
import { environmentProblem } from './system-deps';
import { leftoverProcesses, leftoverUsers } from './leak-check';
import { terminate } from './processes';
import { removeTestUser, staleTestUsers } from './test-user';
import { createTestCa, TEST_CA_DIR_ENV } from './test-tls';

/**
 * Makes the run's CA and names it in NODE_EXTRA_CA_CERTS before any worker is forked: Node
 * reads that variable only at process start, and Vitest gives each worker a copy of
 * process.env as it is when the worker is forked (after this setup). A CA bundle the user
 * already trusts this way is kept in the bundle.
 */
async function trustTestCa(root: string): Promise<void> {
  const dir = join(root, 'test-ca');
  mkdirSync(dir, { recursive: true });
  const ca = await createTestCa(dir);
  const bundle = join(dir, 'trusted.pem');
  const existing = process.env['NODE_EXTRA_CA_CERTS'];
  const kept = existing && existsSync(existing) ? `${readFileSync(existing, 'utf8').trim()}\n` : '';
  writeFileSync(bundle, `${kept}${readFileSync(ca.certPath, 'utf8')}`);
  process.env[TEST_CA_DIR_ENV] = dir;
  process.env['NODE_EXTRA_CA_CERTS'] = bundle;
}

export default async function setup(): Promise<() => Promise<void>> {
  // Both the integration and browser projects list this setup; the first one owns the run.
  if (process.env[RUN_ROOT_ENV]) return async () => undefined;

  const problem = environmentProblem();
  if (problem !== null) throw new Error(`${problem}\n(\`npm test\` installs missing packages automatically when run as root.)`);

  for (const stale of staleTestUsers()) await removeTestUser(stale);

  const root = createRunRoot('test');
  process.env[RUN_ROOT_ENV] = root;
  await trustTestCa(root);

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
