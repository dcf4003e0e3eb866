/**
 * One directory per test run (`PORTHOLE_TEST_ROOT`, made by the global setup) holds every
 * temp HOME, key, config and log, so the leak check can find anything that outlived a test
 * by its path, and one `rm -rf` cleans up.
 */
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_ROOT_ENV = 'PORTHOLE_TEST_ROOT';
/** Set per test file by test/support/file-leak-check.ts, so leftovers are traced to their file. */
export const FILE_ROOT_ENV = 'PORTHOLE_TEST_FILE_ROOT';

export function createRunRoot(label: string): string {
  const root = mkdtempSync(join(tmpdir(), `porthole-${label}-`));
  // Test users (not root) must be able to reach their homes and keys below it.
  chmodSync(root, 0o755);
  return root;
}

export function runRoot(): string {
  const root = process.env[RUN_ROOT_ENV];
  if (root === undefined || root === '') {
    throw new Error(`${RUN_ROOT_ENV} is not set: run tests through vitest (its global setup creates the run directory).`);
  }
  return root;
}

/** A fresh directory under the current test file's directory (or the run root), readable by test users. */
export function makeDir(prefix: string, root = process.env[FILE_ROOT_ENV] || runRoot()): string {
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}
