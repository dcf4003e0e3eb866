import { BrowserWindow } from 'electron';
import { isAppUrl as isAppUrlOf } from './app-origin';
import { assetPath, devServerUrl, preloadPath, rendererUrl } from './paths';
import { windowBackground } from './theme';

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
    backgroundColor: windowBackground(),
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
  void window.loadURL(rendererUrl());
  return window;
}

/** True for URLs of the app's own renderer: exactly its origin (app://porthole, or the dev server's). */
export function isAppUrl(url: string): boolean {
  return isAppUrlOf(url, devServerUrl());
}
