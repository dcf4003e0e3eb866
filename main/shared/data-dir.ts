/**
 * Where Porthole keeps its files (trust store, profiles, vault). The app and the CLI must
 * agree, so both use this function; `PORTHOLE_HOME` overrides it (tests, portable installs).
 * The defaults match Electron's userData folder for an app named "Porthole".
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const override = env['PORTHOLE_HOME'];
  if (override) return override;
  switch (platform) {
    case 'win32':
      return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Porthole');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Porthole');
    default:
      return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'Porthole');
  }
}
