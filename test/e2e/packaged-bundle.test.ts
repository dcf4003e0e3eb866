/**
 * The built app (out/) outside the checkout, next to nothing but its production dependencies
 * as package-lock.json lists them: what an installer ships. Every module the bundle loads must
 * be a production dependency and be there; the main entry must load under plain Node (with the
 * electron stand-in), and the key worker must start and answer. Needs `npm run build` (npm test
 * builds first).
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSpecifiers, freshBuild, isBuiltin, packageNameOf, withElectronStandIn } from '../support/built-bundle';
import { protocol } from '../support/electron-stand-in';
import { copyProductionApp } from '../support/production-tree';

const repo = resolve(__dirname, '../..');
/** Loaded only from a checkout: the TypeScript hook the key worker uses when it runs from source. */
const CHECKOUT_ONLY = new Map([['tsx/cjs', 'main/keys/worker-runner.ts registers tsx only for TypeScript sources']]);

let app: string;
beforeAll(() => {
  freshBuild(repo);
  app = mkdtempSync(join(tmpdir(), 'porthole-production-'));
  copyProductionApp(repo, app, ['package.json', 'package-lock.json', 'out/main', 'out/preload', 'out/renderer']);
}, 120_000);
afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('the built app with only its production dependencies', () => {
  it('loads no module that is not a production dependency, and every one resolves there', () => {
    const dependencies = Object.keys((JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const specifiers = bundleSpecifiers(join(app, 'out/main'));
    // The scan sees the lazily loaded keyring and ssh2's crypto module (the start-up crypto log).
    expect(specifiers.map((s) => s.specifier)).toEqual(expect.arrayContaining(['ssh2', '@napi-rs/keyring', 'electron-updater', 'ssh2/lib/protocol/crypto.js', 'electron']));
    const problems: string[] = [];
    for (const { file, specifier } of specifiers) {
      if (isBuiltin(specifier) || specifier === 'electron' || CHECKOUT_ONLY.has(specifier)) continue;
      const requireFrom = withElectronStandIn((requireFromFile) => requireFromFile(join(app, 'out/main', file)));
      if (!specifier.startsWith('.') && !dependencies.includes(packageNameOf(specifier))) problems.push(`${file}: ${specifier} is not in package.json "dependencies", so no installer ships it`);
      try {
        requireFrom.resolve(specifier);
      } catch (error) {
        problems.push(`${file}: ${specifier} does not resolve in the production tree: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('loads every production module the bundle uses, native binaries included (the keyring\'s for this platform)', () => {
    const requireFrom = withElectronStandIn((requireFromFile) => requireFromFile(join(app, 'out/main/index.js')));
    const external = [...new Set(bundleSpecifiers(join(app, 'out/main')).map((s) => s.specifier))].filter((s) => !s.startsWith('.') && !isBuiltin(s) && s !== 'electron' && !CHECKOUT_ONLY.has(s));
    const loaded = external.map((specifier) => {
      const resolved = requireFrom.resolve(specifier);
      expect(resolved.startsWith(app), `${specifier} resolved outside the production copy: ${resolved}`).toBe(true);
      return [specifier, typeof requireFrom(specifier)] as const;
    });
    expect(loaded.every(([, type]) => type === 'object' || type === 'function')).toBe(true);
    const keyring = requireFrom('@napi-rs/keyring') as { AsyncEntry?: unknown };
    expect(typeof keyring.AsyncEntry).toBe('function');
  });

  it('loads the main entry itself under plain Node with the electron stand-in: every import at its top resolves', () => {
    const before = protocol.privileged.length;
    withElectronStandIn((requireFrom) => requireFrom(join(app, 'out/main/index.js'))(join(app, 'out/main/index.js')));
    // The entry ran its first statement: the app:// scheme, registered before Electron is ready.
    expect(protocol.privileged.length).toBe(before + 1);
  });

  it('starts the key worker from the production copy, and it answers', async () => {
    const worker = new Worker(join(app, 'out/main/key-worker.js'));
    try {
      const reply = await new Promise<{ id: number; ok: boolean; error?: { porthole?: { code: string } } }>((done, fail) => {
        worker.once('error', fail);
        worker.once('message', done);
        // Not a key: the worker must load its modules to say so.
        worker.postMessage({ id: 1, request: { kind: 'decode', request: { bytes: Buffer.from('not a key'), label: 'garbage.txt' } } });
      });
      expect(reply).toMatchObject({ id: 1, ok: false, error: { porthole: { code: expect.stringMatching(/^keys\./) } } });
    } finally {
      await worker.terminate();
    }
  });
});
