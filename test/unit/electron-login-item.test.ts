/** main/electron/login-item.ts against the electron stand-in: each OS's login item, and the start that came from it. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { app, resetStandIn } from '../support/electron-stand-in';

vi.mock('electron', () => import('../support/electron-stand-in'));
const { applyLaunchAtLogin, autostartPath, startedAtLogin, HIDDEN_AT_LOGIN_ARG } = await import('../../main/electron/login-item');

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'porthole-login-item-'));
  app.isPackaged = true;
});
afterEach(() => {
  resetStandIn();
  rmSync(home, { recursive: true, force: true });
});

const linux = (env: NodeJS.ProcessEnv = {}) => ({ platform: 'linux' as const, env, home, program: '/home/ada/Apps/Porthole 1.2.AppImage' });

describe('launch at login', () => {
  it('on Linux writes an XDG autostart entry that starts Porthole hidden, and removes it again', async () => {
    const environment = linux();
    const file = join(home, '.config', 'autostart', 'porthole.desktop');
    expect(autostartPath(environment)).toBe(file);

    await expect(applyLaunchAtLogin(true, environment)).resolves.toBe(`Porthole starts when you log in (${file}).`);
    expect(readFileSync(file, 'utf8')).toContain('Exec="/home/ada/Apps/Porthole 1.2.AppImage" --hidden\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    // Turning it on again (each start while on) rewrites it in place.
    await applyLaunchAtLogin(true, environment);
    expect(existsSync(file)).toBe(true);

    await expect(applyLaunchAtLogin(false, environment)).resolves.toBe('Porthole no longer starts when you log in.');
    expect(existsSync(file)).toBe(false);
    // Off when already off is no error.
    await applyLaunchAtLogin(false, environment);
    expect(app.loginItemCalls).toEqual([]);
  });

  it('on Linux honours XDG_CONFIG_HOME', () => {
    expect(autostartPath(linux({ XDG_CONFIG_HOME: join(home, 'cfg') }))).toBe(join(home, 'cfg', 'autostart', 'porthole.desktop'));
  });

  it('on Windows registers the login item with the argument that keeps the window closed, and removes the same entry', async () => {
    const environment = { platform: 'win32' as const, env: {}, home, program: 'C:\\Users\\ada\\AppData\\Local\\Programs\\Porthole\\Porthole.exe' };
    await applyLaunchAtLogin(true, environment);
    await applyLaunchAtLogin(false, environment);
    expect(app.loginItemCalls).toEqual([
      { openAtLogin: true, args: [HIDDEN_AT_LOGIN_ARG] },
      { openAtLogin: false, args: [HIDDEN_AT_LOGIN_ARG] },
    ]);
  });

  it('on macOS uses the login item settings', async () => {
    await applyLaunchAtLogin(true, { platform: 'darwin', env: {}, home, program: '/Applications/Porthole.app/Contents/MacOS/Porthole' });
    expect(app.loginItemCalls).toEqual([{ openAtLogin: true }]);
  });

  it('registers nothing from a development build', async () => {
    app.isPackaged = false;
    await expect(applyLaunchAtLogin(true, linux())).resolves.toMatch(/development build registers nothing/);
    await applyLaunchAtLogin(true, { platform: 'win32', env: {}, home, program: 'electron.exe' });
    expect(existsSync(join(home, '.config'))).toBe(false);
    expect(app.loginItemCalls).toEqual([]);
  });

  it('knows a start that came from the login item', () => {
    expect(startedAtLogin(['/opt/Porthole/porthole', '--hidden'], 'linux')).toBe(true);
    expect(startedAtLogin(['/opt/Porthole/porthole'], 'linux')).toBe(false);
    expect(startedAtLogin(['/Applications/Porthole.app/Contents/MacOS/Porthole'], 'darwin')).toBe(false);
    app.loginItemState = { openAtLogin: true, wasOpenedAtLogin: true };
    expect(startedAtLogin(['/Applications/Porthole.app/Contents/MacOS/Porthole'], 'darwin')).toBe(true);
  });
});
