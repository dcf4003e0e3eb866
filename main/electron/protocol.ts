/**
 * Serves the built renderer from app://porthole/ instead of file:// (why: app-origin.ts).
 * The scheme must be declared privileged before the app is ready; the handler is installed
 * after. Only files under out/renderer are ever read, and only through resolveAppFile.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, resolveAppFile } from './app-origin';

/** Call at startup, before `app.whenReady()`: Electron reads this list once. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: a real origin, relative URLs and CSP 'self'; secure: treated like https.
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    },
  ]);
}

export function serveRenderer(rootDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = resolveAppFile(rootDir, request.url);
    if (file.kind === 'refused') return new Response(null, { status: file.status });
    try {
      const body = request.method === 'HEAD' ? null : await readFile(file.path);
      return new Response(body, {
        status: 200,
        headers: { 'content-type': file.mimeType, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' },
      });
    } catch {
      // Missing, a directory, unreadable: all the same to the page.
      return new Response(null, { status: 404 });
    }
  });
}
