import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl, mimeTypeOf, resolveAppFile } from '../../main/electron/app-origin';

const root = resolve('/opt/Porthole/out/renderer');

describe('app:// file mapping', () => {
  it('serves the entry page and files under the root', () => {
    expect(resolveAppFile(root, APP_ENTRY_URL)).toEqual({ kind: 'file', path: resolve(root, 'index.html'), mimeType: 'text/html; charset=utf-8' });
    expect(resolveAppFile(root, 'app://porthole/assets/index-abc.js?v=1#x')).toEqual({
      kind: 'file',
      path: resolve(root, 'assets/index-abc.js'),
      mimeType: 'text/javascript; charset=utf-8',
    });
  });

  it('serves index.html for the bare origin', () => {
    expect(resolveAppFile(root, 'app://porthole/')).toMatchObject({ kind: 'file', path: resolve(root, 'index.html') });
    expect(resolveAppFile(root, 'app://porthole')).toMatchObject({ kind: 'file', path: resolve(root, 'index.html') });
  });

  it('decodes percent-encoded names', () => {
    expect(resolveAppFile(root, 'app://porthole/assets/a%20b.css')).toMatchObject({ kind: 'file', path: resolve(root, 'assets/a b.css') });
  });

  it('never leaves the root for app://porthole/../etc/passwd', () => {
    // The URL parser already folds the literal `..` away; what is left must stay inside.
    const result = resolveAppFile(root, 'app://porthole/../etc/passwd');
    expect(result).toEqual({ kind: 'file', path: resolve(root, 'etc/passwd'), mimeType: 'application/octet-stream' });
  });

  it.each(['app://porthole/%2e%2e/%2e%2e/etc/passwd', 'app://porthole/assets/%2E%2E/%2e%2E/etc/passwd'])('never leaves the root for the dot segments the parser folds: %s', (url) => {
    expect(resolveAppFile(root, url)).toMatchObject({ kind: 'file', path: resolve(root, 'etc/passwd') });
  });

  it.each([
    'app://porthole/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://porthole/assets/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc/passwd',
    'app://porthole/assets/..%5c..%5c..%5cwindows%5cwin.ini',
    'app://porthole/assets\\..\\..\\secret',
    'app://porthole/C:%5cWindows%5cwin.ini',
  ])('refuses traversal in %s', (url) => {
    expect(resolveAppFile(root, url)).toMatchObject({ kind: 'refused', status: 403 });
  });

  it('refuses NUL bytes and broken encodings', () => {
    expect(resolveAppFile(root, 'app://porthole/index.html%00.png')).toMatchObject({ kind: 'refused', status: 400 });
    expect(resolveAppFile(root, 'app://porthole/%E0%A4%A')).toMatchObject({ kind: 'refused', status: 400 });
  });

  it.each(['app://evil/index.html', 'app://porthole.evil.com/index.html', 'app://user@porthole/index.html', 'file:///opt/Porthole/out/renderer/index.html', 'https://porthole/index.html'])(
    'refuses another origin: %s',
    (url) => {
      expect(resolveAppFile(root, url)).toMatchObject({ kind: 'refused', status: 403 });
    },
  );

  it('refuses what is not a URL', () => {
    expect(resolveAppFile(root, 'not a url')).toMatchObject({ kind: 'refused', status: 400 });
  });
});

describe('app origin check', () => {
  it('accepts the app origin in a built app, whatever the path, query or hash', () => {
    expect(isAppUrl(APP_ENTRY_URL, null)).toBe(true);
    expect(isAppUrl('app://porthole/index.html?x=1#/hosts', null)).toBe(true);
    expect(isAppUrl('app://PORTHOLE/index.html', null)).toBe(true);
  });

  it.each(['app://evil/index.html', 'app://porthole.evil/index.html', 'app://x@porthole/', 'file:///opt/Porthole/out/renderer/index.html', 'http://localhost:5173/', 'about:blank', ''])(
    'refuses %s in a built app',
    (url) => {
      expect(isAppUrl(url, null)).toBe(false);
    },
  );

  it('accepts exactly the dev server origin in development', () => {
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx?t=1', 'http://localhost:5173/')).toBe(true);
  });

  it.each([
    'http://localhost:5173.evil.com/',
    'http://localhost:5173.evil.com:5173/',
    'http://localhost.evil.com:5173/',
    'http://localhost:51730/',
    'http://localhost:5173@evil.com/',
    'https://localhost:5173/',
    'http://127.0.0.1:5173/',
    'app://porthole/index.html',
  ])('refuses %s against dev server http://localhost:5173', (url) => {
    expect(isAppUrl(url, 'http://localhost:5173')).toBe(false);
  });

  it('refuses everything when the dev server URL is unusable', () => {
    expect(isAppUrl('http://localhost:5173/', 'not a url')).toBe(false);
    expect(isAppUrl('data:text/html,hi', 'data:text/html,hi')).toBe(false);
  });
});

describe('MIME types', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.JS', 'text/javascript; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['a.woff2', 'font/woff2'],
    ['a.json', 'application/json; charset=utf-8'],
    ['a.wasm', 'application/wasm'],
    ['noext', 'application/octet-stream'],
    ['a.exe', 'application/octet-stream'],
  ])('%s is %s', (file, type) => {
    expect(mimeTypeOf(file)).toBe(type);
  });
});
