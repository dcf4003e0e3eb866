/**
 * "Start Porthole when I log in" (Settings), through each OS's own mechanism: Electron's login
 * item settings on macOS and Windows, an XDG autostart entry on Linux desktops. A Porthole
 * started at login opens in the tray, without its window (`--hidden` on Windows and Linux;
 * macOS says so itself). Only the installed app registers: a development build would register
 * a bare Electron binary.
 */
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';
import { AUTOSTART_FILE_NAME, autostartEntry } from '../app/autostart-entry';
import { writeFileAtomic } from '../shared/atomic-write';

/** The argument a login start carries, so Porthole starts in the tray. */
export const HIDDEN_AT_LOGIN_ARG = '--hidden';

export interface LoginItemEnvironment {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  /** The program to start: the AppImage file itself when running from one, else this executable. */
  readonly program: string;
}

export function currentEnvironment(): LoginItemEnvironment {
  return { platform: process.platform, env: process.env, home: homedir(), program: process.env['APPIMAGE'] ?? process.execPath };
}

/** ~/.config/autostart/porthole.desktop (or under $XDG_CONFIG_HOME). */
export function autostartPath(environment: LoginItemEnvironment): string {
  const configHome = environment.env['XDG_CONFIG_HOME'] || join(environment.home, '.config');
  return join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

/**
 * Registers or removes Porthole as a login item. Resolves to what happened, for the log;
 * rejects when the OS refused (a read-only autostart folder, say).
 */
export async function applyLaunchAtLogin(enabled: boolean, environment: LoginItemEnvironment = currentEnvironment()): Promise<string> {
  if (!app.isPackaged) return 'Launch at login applies to the installed Porthole; a development build registers nothing.';
  if (environment.platform === 'linux') {
    const path = autostartPath(environment);
    if (enabled) {
      // Readable like every other entry there: the desktop session reads it, as the same user.
      await writeFileAtomic(path, autostartEntry(environment.program, [HIDDEN_AT_LOGIN_ARG]), { mode: 0o644, dirMode: 0o755 });
    } else {
      await rm(path, { force: true });
    }
    return enabled ? `Porthole starts when you log in (${path}).` : 'Porthole no longer starts when you log in.';
  }
  // Windows compares path and args to find the entry again, so turning it off passes the same args.
  app.setLoginItemSettings(environment.platform === 'win32' ? { openAtLogin: enabled, args: [HIDDEN_AT_LOGIN_ARG] } : { openAtLogin: enabled });
  return enabled ? 'Porthole starts when you log in.' : 'Porthole no longer starts when you log in.';
}

/** Whether this start came from the login item (then the window stays closed). */
export function startedAtLogin(argv: readonly string[] = process.argv, platform: NodeJS.Platform = process.platform): boolean {
  if (argv.includes(HIDDEN_AT_LOGIN_ARG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
