/**
 * Whether a command is installed, the way a shell finds it: an executable file of that name
 * in one of PATH's folders (on Windows, with one of PATHEXT's endings: `az` is `az.cmd`).
 * Nothing is run.
 */
import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function commandOnPath(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const folders = (env['PATH'] ?? env['Path'] ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  const endings = platform === 'win32' ? (env['PATHEXT'] ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const folder of folders) {
    for (const ending of endings) {
      const file = join(folder, `${name}${ending}`);
      try {
        if (!(await stat(file)).isFile()) continue;
        if (platform !== 'win32') await access(file, constants.X_OK);
        return true;
      } catch {
        // Not here; the next folder.
      }
    }
  }
  return false;
}
