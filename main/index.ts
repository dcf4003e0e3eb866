/** Electron entry: lifecycle and wiring only. Behaviour lives in main/electron and the services. */
import { app, powerMonitor, type BrowserWindow, type Tray } from 'electron';
import { hardenApp } from './electron/security';
import { registerIpc, sendEvent } from './electron/ipc';
import { createMainWindow, isAppUrl } from './electron/window';
import { createTray } from './electron/tray';
import { DesktopService } from './app/service';
import { dataDir } from './shared/data-dir';

let mainWindow: BrowserWindow | null = null;
let quitting = false;
/** Held for the app's lifetime: a Tray that is garbage-collected vanishes from the tray. */
const held: { tray: Tray | null } = { tray: null };

function showWindow(): void {
  if (mainWindow === null || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow();
    // Closing the window hides it: Porthole keeps running in the tray until Quit.
    mainWindow.on('close', (event) => {
      if (!quitting) {
        event.preventDefault();
        mainWindow?.hide();
      }
    });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function quit(): void {
  quitting = true;
  app.quit();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    // Stay alive in the tray.
  });
  app.on('activate', showWindow);

  void app.whenReady().then(async () => {
    hardenApp(isAppUrl);
    const service = await DesktopService.create({
      dataDir: dataDir(),
      desktop: { openExternal: async () => undefined, writeClipboard: () => undefined, pickKeyFile: async () => null },
      appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
    });
    registerIpc(service.handlers, isAppUrl);
    powerMonitor.on('resume', () => {
      if (mainWindow && !mainWindow.isDestroyed()) sendEvent(mainWindow.webContents, 'app:resumed', { at: Date.now() });
    });
    held.tray = createTray({ showWindow, quit });
    showWindow();
  });
}

