import { pathToFileURL } from 'node:url';
import { BrowserWindow } from 'electron';
import { assetPath, preloadPath, rendererLocation } from './paths';

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1040,
    height: 680,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Porthole',
    icon: assetPath('icon.png'),
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());

  const location = rendererLocation();
  if (location.kind === 'url') void window.loadURL(location.url);
  else void window.loadFile(location.path);
  return window;
}

/** True for URLs of the app's own renderer (file in production, dev server in development). */
export function isAppUrl(url: string): boolean {
  const location = rendererLocation();
  if (location.kind === 'url') return url.startsWith(location.url);
  try {
    // Exactly the built index.html; its query and hash may vary.
    const parsed = new URL(url);
    return parsed.protocol === 'file:' && parsed.pathname === pathToFileURL(location.path).pathname;
  } catch {
    return false;
  }
}
