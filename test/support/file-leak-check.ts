/**
 * Setup file for suites with real services: gives each test file its own directory under
 * the run root, and fails that file if, after its own afterAll hooks, any process or test
 * user it created is still there. (The global teardown repeats the check for the whole run.)
 */
import { afterAll, beforeAll } from 'vitest';
import { leftoverProcesses, leftoverUsers } from '../env/leak-check';
import { terminate } from '../env/processes';
import { FILE_ROOT_ENV, makeDir, runRoot } from '../env/run-dir';
import { removeTestUser } from '../env/test-user';

let fileRoot: string;

beforeAll(() => {
  fileRoot = makeDir('file', runRoot());
  process.env[FILE_ROOT_ENV] = fileRoot;
});

// Registered before the file's own hooks, so with Vitest's stacked hook order it runs after them.
afterAll(async () => {
  const processes = leftoverProcesses(fileRoot);
  const users = leftoverUsers(fileRoot);
  if (processes.length === 0 && users.length === 0) return;
  await terminate(processes.map((proc) => proc.pid));
  for (const user of users) await removeTestUser(user);
  throw new Error(
    `This file left these behind (now cleaned up); a test is missing its stop():\n${[
      ...processes.map((p) => `  process ${p.pid} uid=${p.uid} ${p.cmdline}`),
      ...users.map((user) => `  test user ${user.name}`),
    ].join('\n')}`,
  );
});
