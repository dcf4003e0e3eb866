/**
 * The renderer's one origin, `app://porthole`, and the pure rules behind it: which URL maps
 * to which file under out/renderer, which URLs count as the app, and the MIME type a file
 * is served with. No `electron` import here on purpose: protocol.ts and window.ts apply
 * these rules, the unit tests prove them under plain Node.
 *
 * Why not file://: every file:// page shares one opaque origin with every other local file,
 * so "is this the app?" would have to be a path comparison, and a sub-resource could reach
 * any file on disk. A privileged standard scheme gives the renderer a real origin that CSP
 * 'self' and the IPC sender check can compare exactly.
 */
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'porthole';
/** What the window loads in a built app. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export type AppFile =
  | { readonly kind: 'file'; readonly path: string; readonly mimeType: string }
  | { readonly kind: 'refused'; readonly status: 400 | 403 | 404; readonly reason: string };

/**
 * Maps an `app://porthole/...` request to a file inside `rootDir`, or refuses it. Anything
 * that could leave `rootDir` (`..` in any spelling, encoded separators, backslashes, NUL)
 * is refused outright rather than normalised, so there is no clever spelling to find.
 */
export function resolveAppFile(rootDir: string, requestUrl: string): AppFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return refused(400, 'not a URL');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST || url.username !== '' || url.password !== '') {
    return refused(403, 'another origin');
  }
  // The parser has already removed literal `..` segments; look at what it left, decoded.
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return refused(400, 'malformed percent-encoding');
  }
  if (decoded.includes('\0')) return refused(400, 'NUL in path');
  const segments = decoded.split(/[/\\]+/).filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return refused(403, 'path traversal');
  // A drive letter or UNC share smuggled into a segment (`C:`) would make the path absolute on Windows.
  if (segments.some((segment) => segment.includes(':'))) return refused(403, 'path traversal');

  const root = resolve(rootDir);
  const path = segments.length === 0 ? resolve(root, 'index.html') : resolve(root, ...segments);
  const inside = relative(root, path);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return refused(403, 'path traversal');
  }
  return { kind: 'file', path, mimeType: mimeTypeOf(path) };
}

/**
 * True when `url` belongs to the app's own renderer: exactly the dev server's origin in
 * `npm run dev`, exactly `app://porthole` otherwise. Origins are compared whole, never by
 * prefix: `http://localhost:5173.evil.com` is not `http://localhost:5173`.
 */
export function isAppUrl(url: string, devServerUrl: string | null): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devServerUrl !== null) {
    try {
      const dev = new URL(devServerUrl);
      // An opaque origin ("null") never matches, even itself.
      return dev.origin !== 'null' && parsed.origin === dev.origin;
    } catch {
      return false;
    }
  }
  // Node's URL gives custom schemes an opaque origin (and keeps the host's case, which Chromium
  // folds for a standard scheme), so compare the parts a standard scheme's origin is made of.
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host.toLowerCase() === APP_HOST && parsed.username === '' && parsed.password === '';
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Module scripts only run with a JavaScript MIME type, so the table must cover what Vite emits. */
export function mimeTypeOf(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function refused(status: 400 | 403 | 404, reason: string): AppFile {
  return { kind: 'refused', status, reason };
}
