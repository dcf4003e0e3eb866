/**
 * The app's production dependency tree, as package-lock.json records it (every package not
 * marked dev), and a copy of the app outside the checkout made of nothing else: what an
 * installer ships, with no devDependency or hoisted leftover to hide a missing module.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProductionPackage {
  /** The folder relative to the app: node_modules/a or node_modules/a/node_modules/b. */
  readonly path: string;
  readonly name: string;
  readonly version: string;
  /** Optional packages for other platforms are in the lock but not on this disk. */
  readonly installed: boolean;
  readonly optional: boolean;
}

interface LockEntry {
  readonly version?: string;
  readonly dev?: boolean;
  readonly optional?: boolean;
}

export function productionPackages(appDir: string): ProductionPackage[] {
  const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true)
    .map(([path, entry]) => ({
      path,
      name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version ?? '',
      installed: existsSync(join(appDir, path, 'package.json')),
      optional: entry.optional === true,
    }));
}

/** Files under a package folder, relative to the app, without descending into nested node_modules (those are packages of their own). */
export function packageFiles(appDir: string, packagePath: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(appDir, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(child);
      } else {
        files.push(child);
      }
    }
  };
  walk(packagePath);
  return files;
}

/** Copies `paths` of the app and its installed production packages into `dest`. */
export function copyProductionApp(appDir: string, dest: string, paths: readonly string[]): void {
  mkdirSync(dest, { recursive: true });
  for (const path of paths) cpSync(join(appDir, path), join(dest, path), { recursive: true });
  for (const pkg of productionPackages(appDir)) {
    if (pkg.installed) cpSync(join(appDir, pkg.path), join(dest, pkg.path), { recursive: true, filter: (source) => !source.slice(join(appDir, pkg.path).length).includes('/node_modules/') });
  }
}
