/**
 * The real Electron shell, where an Electron binary exists. These machines cannot download
 * one (Electron fetches its binary lazily, on first launch), so here the suite says why it
 * skips; on a developer machine after `npm start` has fetched it, it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { _electron } from 'playwright-core';

/**
 * Finds the binary the way the electron package does, but without require('electron'):
 * that call starts a download when the binary is missing, and tests never download.
 */
function electronBinary(): { path: string } | { reason: string } {
  const packageDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: `the Electron binary was never downloaded (no ${pathFile})` };
  const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { reason: `the Electron binary is missing (${path})` };
}

const binary = electronBinary();
if ('reason' in binary) {
  console.log(`[electron e2e] skipped: ${binary.reason}. Run \`npm start\` once on a machine with internet access to fetch it.`);
}

describe.skipIf('reason' in binary)('Electron app', () => {
  it('opens a sandboxed window whose only bridge is window.porthole', async () => {
    const app = await _electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [resolve(__dirname, '../../out/main/index.js'), '--no-sandbox'],
    });
    try {
      const page = await app.firstWindow();
      await expect(page.title()).resolves.toBe('Porthole');
      const probe = await page.evaluate(async () => {
        const global = window as unknown as {
          require?: unknown;
          process?: unknown;
          porthole?: { app: { getInfo(args: object): Promise<unknown> } };
        };
        return {
          require: typeof global.require,
          process: typeof global.process,
          info: await global.porthole?.app.getInfo({}),
        };
      });
      expect(probe.require).toBe('undefined');
      expect(probe.process).toBe('undefined');
      expect(probe.info).toMatchObject({ ok: true, value: { name: expect.any(String), version: expect.any(String) } });
    } finally {
      await app.close();
    }
  });
});
