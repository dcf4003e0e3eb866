/** The committed tray PNGs are what their SVG sources render to, and every state has its files. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayIconFile } from '../../main/electron/tray-icon-file';

const repo = resolve(__dirname, '../..');

describe('tray icons', () => {
  it('are up to date with assets/tray-src', () => {
    expect(() => execFileSync(process.execPath, [resolve(repo, 'scripts/tray-icons.mjs'), '--check'], { stdio: 'pipe', timeout: 30_000 })).not.toThrow();
  });

  it.each(['idle', 'busy', 'ready', 'failed'] as const)('exist for %s on every platform, at 1x and 2x', (state) => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const file = trayIconFile(state, platform);
      expect(existsSync(resolve(repo, 'assets', file))).toBe(true);
      expect(existsSync(resolve(repo, 'assets', file.replace('.png', '@2x.png')))).toBe(true);
    }
  });
});
