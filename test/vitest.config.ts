import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const realServices = {
  globalSetup: ['test/env/global-setup.ts'],
  setupFiles: ['test/support/file-leak-check.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  root: resolve(__dirname, '..'),
  test: {
    environment: 'node',
    pool: 'forks',
    // Integration files each start their own sshd/Jupyter/keyring; two cores, two files at a time.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...realServices } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts', 'test/e2e/**/*.test.ts'], ...realServices } },
    ],
  },
});
