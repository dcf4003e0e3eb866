import { join } from 'node:path';
import { app } from 'electron';

/** assets/ ships inside the app (asar) next to out/; in development it is the checkout's. */
export function assetPath(file: string): string {
  return join(app.getAppPath(), 'assets', file);
}

/** The preload bundle electron-vite writes beside out/main. */
export const preloadPath = join(__dirname, '../preload/index.js');

/** The renderer: the dev server in `npm run dev`, the built file otherwise. */
export function rendererLocation(): { kind: 'url'; url: string } | { kind: 'file'; path: string } {
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devUrl) return { kind: 'url', url: devUrl };
  return { kind: 'file', path: join(__dirname, '../renderer/index.html') };
}
