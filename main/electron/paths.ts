import { join } from 'node:path';
import { app } from 'electron';
import { APP_ENTRY_URL } from './app-origin';

/** assets/ ships inside the app (asar) next to out/; in development it is the checkout's. */
export function assetPath(file: string): string {
  return join(app.getAppPath(), 'assets', file);
}

/** The preload bundle electron-vite writes beside out/main. */
export const preloadPath = join(__dirname, '../preload/index.js');

/** The built renderer, served as app://porthole/ (see protocol.ts); nothing outside it is served. */
export const rendererRoot = join(__dirname, '../renderer');

/** The dev server in `npm run dev` (never in a packaged app), else null. */
export function devServerUrl(): string | null {
  const url = process.env['ELECTRON_RENDERER_URL'];
  return !app.isPackaged && url ? url : null;
}

/** What the window loads: the dev server in development, the app scheme otherwise. */
export function rendererUrl(): string {
  return devServerUrl() ?? APP_ENTRY_URL;
}
