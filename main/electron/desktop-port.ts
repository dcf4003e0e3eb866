/**
 * The desktop the service runs on, as Electron provides it (see main/app/desktop-port.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { clipboard, dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { DesktopPort } from '../app/desktop-port';
import { PortholeError } from '../shared/errors';

export interface ElectronDesktopOptions {
  /** The window a file dialog belongs to (modal on it), when it is open. */
  readonly parentWindow: () => BrowserWindow | null;
}

export function electronDesktopPort(options: ElectronDesktopOptions): DesktopPort {
  return {
    openExternal: (target, browserPath) => (browserPath === null ? shell.openExternal(target) : launchBrowser(browserPath, target)),
    writeClipboard: (text) => {
      // Electron 45's clipboard is asynchronous while the port's method is not: a failed
      // write can only be logged here (the port could return the promise instead).
      clipboard.writeText(text).catch((error: unknown) => console.error('Porthole: could not write to the clipboard', error));
    },
    pickKeyFile: async () => {
      const dialogOptions: OpenDialogOptions = {
        title: 'Choose your private key',
        buttonLabel: 'Use this key',
        // Keys usually live in ~/.ssh, a hidden folder the dialog would otherwise skip.
        ...(existsSync(join(homedir(), '.ssh')) ? { defaultPath: join(homedir(), '.ssh') } : {}),
        properties: ['openFile', 'showHiddenFiles', 'dontAddToRecent'],
        filters: [
          { name: 'Private keys (.pem, .ppk, .key)', extensions: ['pem', 'ppk', 'key'] },
          // OpenSSH keys (id_ed25519) have no extension at all.
          { name: 'All files', extensions: ['*'] },
        ],
      };
      const parent = options.parentWindow();
      const result = parent && !parent.isDestroyed() ? await dialog.showOpenDialog(parent, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}

/**
 * Starts the browser the user chose with the target as its only argument (no shell, so
 * nothing in the URL is interpreted). On macOS a chosen `.app` bundle is a folder, which
 * only `open -a` can start.
 */
function launchBrowser(browserPath: string, target: string): Promise<void> {
  const [command, args] = process.platform === 'darwin' && browserPath.endsWith('.app') ? ['open', ['-a', browserPath, target]] : [browserPath, [target]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: false });
    child.once('spawn', () => {
      // The browser outlives Porthole; do not keep a handle on it.
      child.unref();
      resolve();
    });
    child.once('error', (error) =>
      reject(
        new PortholeError(
          { code: 'app.browser-not-started', message: `Porthole could not start the browser at ${browserPath}.`, hint: 'Choose another browser in Settings, or go back to the default browser.', retryable: false },
          { cause: error },
        ),
      ),
    );
  });
}
