/**
 * The built main bundle (out/main, from `npm run build`) as something to load outside the
 * checkout: what it requires, and a way to require it under plain Node with `electron`
 * answered by the stand-in (the real module downloads a binary these machines cannot get).
 */
import { builtinModules, createRequire } from 'node:module';
import Module from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as electronStandIn from './electron-stand-in';

/** The build, refusing one older than the sources it is made of (a stale build would test old code). */
export function freshBuild(root: string): string {
  const main = join(root, 'out', 'main', 'index.js');
  let built: number;
  try {
    built = statSync(main).mtimeMs;
  } catch {
    throw new Error(`${main} is missing: run \`npm run build\` first.`);
  }
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs)));
  if (newest(join(root, 'main')) > built) throw new Error(`${main} is older than main/: run \`npm run build\` again.`);
  return main;
}

/**
 * Every module specifier the bundle's files load: require("x"), import("x") (the keyring is
 * loaded lazily) and requires made through createRequire (`requireHere("x")`, `.resolve("x")`).
 */
export function bundleSpecifiers(dir: string): { file: string; specifier: string }[] {
  const found: { file: string; specifier: string }[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/(?:\brequire\w*|\bimport|\.resolve)\(\s*["']([^"'`$]+)["']\s*\)/g)) found.push({ file, specifier: match[1]! });
  }
  return found;
}

export const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

/** `@scope/name/deep/file.js` -> `@scope/name`; `name/deep` -> `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;

/**
 * Runs `load` with Node's own module loader answering `require('electron')` with the
 * stand-in, then puts the loader back.
 */
export function withElectronStandIn<T>(load: (requireFrom: (file: string) => NodeJS.Require) => T): T {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename; _cache: Record<string, unknown> };
  const original = loader._resolveFilename;
  const id = '/porthole-test/electron-stand-in.js';
  loader._cache[id] = { id, filename: id, loaded: true, exports: electronStandIn, children: [], paths: [] };
  loader._resolveFilename = function (request, parent, ...rest) {
    return request === 'electron' ? id : original.call(this, request, parent, ...rest);
  };
  try {
    return load((file) => createRequire(file));
  } finally {
    loader._resolveFilename = original;
    delete loader._cache[id];
  }
}
