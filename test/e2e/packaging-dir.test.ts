/**
 * electron-builder packs the app for real, hooks and all, from a copy holding only the
 * production dependencies, onto a stand-in Electron distribution (these machines cannot
 * download Electron; electron-builder's `electronDist` takes an unpacked one, and a file with a
 * fuse wire is all it reads of the executable). What comes out is checked as an installer would
 * ship it: the asar's contents, what is unpacked, the fuses, the updater's feed, and that the
 * packed app loads. Building the installers themselves (NSIS, dmg, AppImage, deb) needs the
 * real Electron and each platform's tools: not here.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ElectronAsar from '@electron/asar';
import type * as ElectronFuses from '@electron/fuses';
import { freshBuild, withElectronStandIn } from '../support/built-bundle';
import { electronBuilderModule, fakeElectronBinary } from '../support/electron-builder';
import { protocol } from '../support/electron-stand-in';
import { copyProductionApp, productionPackages } from '../support/production-tree';

const repo = resolve(__dirname, '../..');
const requireHere = createRequire(__filename);
const asar = electronBuilderModule<typeof ElectronAsar>('@electron/asar');
const fuses = electronBuilderModule<typeof ElectronFuses>('@electron/fuses');
const electronVersion = (JSON.parse(readFileSync(requireHere.resolve('electron/package.json'), 'utf8')) as { version: string }).version;

let scratch: string;
let project: string;
let unpackedApp: string;
let resources: string;
let log = '';
let files: string[] = [];

beforeAll(async () => {
  freshBuild(repo);
  scratch = mkdtempSync(join(tmpdir(), 'porthole-packaging-'));
  project = join(scratch, 'project');
  copyProductionApp(repo, project, ['package.json', 'package-lock.json', 'electron-builder.yml', 'out/main', 'out/preload', 'out/renderer', 'assets', 'scripts/packaging']);

  // Electron's Linux zip, unpacked, as far as electron-builder looks at it. Every fuse starts
  // in the state opposite to the one electron-builder.yml asks for.
  const dist = join(scratch, 'electron-dist');
  mkdirSync(join(dist, 'resources'), { recursive: true });
  writeFileSync(join(dist, 'electron'), fakeElectronBinary([true, false, true, true, false, false, false, true, false]), { mode: 0o755 });
  writeFileSync(join(dist, 'LICENSE'), 'MIT');
  writeFileSync(join(dist, 'version'), electronVersion);

  const output = join(scratch, 'dist');
  const child = spawn(
    process.execPath,
    [requireHere.resolve('electron-builder/cli.js'), '--linux', 'dir', '--x64', '--projectDir', project, '--publish', 'never', `-c.electronDist=${dist}`, `-c.electronVersion=${electronVersion}`, `-c.directories.output=${output}`],
    { cwd: project, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`electron-builder exited with ${code}:\n${log}`);
  unpackedApp = join(output, 'linux-unpacked');
  resources = join(unpackedApp, 'resources');
  files = asar.listPackage(join(resources, 'app.asar'), { isPack: false }).map((file) => file.replace(/\\/g, '/'));
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed app (electron-builder --linux dir on a stand-in Electron)', () => {
  it('holds the built app, the icons it loads and its production modules, and nothing of the checkout\'s tooling', () => {
    expect(files).toEqual(expect.arrayContaining(['/package.json', '/out/main/index.js', '/out/main/key-worker.js', '/out/preload/index.js', '/out/renderer/index.html', '/assets/icon.png', '/assets/tray-idle.png', '/assets/tray-idle@2x.png', '/assets/tray-idle.ico', '/assets/trayTemplate-idle@2x.png']));
    // By name: electron-builder may hoist a nested package (electron-updater's semver) to the top.
    const shippedPackages = new Set(files.flatMap((file) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(file)?.[1] ?? []));
    const wanted = new Set(productionPackages(project).filter((pkg) => pkg.installed).map((pkg) => pkg.name));
    const leftOut = ['cpu-features', 'buildcheck', 'nan'];
    expect([...shippedPackages].sort()).toEqual([...wanted].filter((name) => !leftOut.includes(name)).sort());
    for (const unwanted of [/\.map$/, /^\/out\/native/, /^\/assets\/.*\.svg$/, /^\/assets\/icons\//, /\.icns$/, /^\/assets\/icon\.ico$/, /^\/scripts\//, /^\/electron-builder\.yml$/, /^\/node_modules\/(react|electron|vitest)\//]) {
      expect(files.filter((file) => unwanted.test(file)), String(unwanted)).toEqual([]);
    }
  });

  it("unpacks the keyring's native binary from the asar, and ships no ssh2 crypto addon it could not prove runs in Electron", () => {
    expect(existsSync(join(resources, 'app.asar.unpacked/node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node'))).toBe(true);
    expect(files.filter((file) => file.endsWith('.node'))).toEqual(['/node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node']);
    expect(log).toMatch(/keyring binary\s+package=@napi-rs\/keyring-linux-x64-gnu present/);
    // Offline, Electron's headers cannot be fetched; with them, this stand-in exports no OpenSSL.
    expect(log).toMatch(/ssh2 crypto addon\s+not shipped/);
  });

  it("gives the project's Node build of ssh2's addon back after packing", () => {
    expect(readFileSync(join(project, 'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node'))).toEqual(readFileSync(join(repo, 'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')));
  });

  it('flips the fuses of the Electron it ships', async () => {
    const wire = (await fuses.getCurrentFuseWire(join(unpackedApp, 'porthole'))) as unknown as Record<number, number>;
    const on = (option: number) => wire[option] === 0x31;
    const { FuseV1Options } = fuses;
    expect({
      runAsNode: on(FuseV1Options.RunAsNode),
      nodeOptions: on(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      inspect: on(FuseV1Options.EnableNodeCliInspectArguments),
      asarIntegrity: on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      onlyAsar: on(FuseV1Options.OnlyLoadAppFromAsar),
      fileProtocol: on(FuseV1Options.GrantFileProtocolExtraPrivileges),
    }).toEqual({ runAsNode: false, nodeOptions: false, inspect: false, asarIntegrity: true, onlyAsar: true, fileProtocol: false });
  });

  it('writes the feed the updater reads: GitHub releases', () => {
    const feed = readFileSync(join(resources, 'app-update.yml'), 'utf8');
    expect(feed).toMatch(/^provider: github$/m);
    expect(feed).toMatch(/^owner: \S+$/m);
    expect(feed).toMatch(/^repo: \S+$/m);
  });

  it('loads as packed: the entry and every production module it needs, from the extracted asar', () => {
    const extracted = join(scratch, 'extracted');
    asar.extractAll(join(resources, 'app.asar'), extracted);
    const entry = join(extracted, 'out/main/index.js');
    const before = protocol.privileged.length;
    withElectronStandIn((requireFrom) => {
      const load = requireFrom(entry);
      load(entry);
      const keyring = load('@napi-rs/keyring') as { AsyncEntry?: unknown };
      expect(typeof keyring.AsyncEntry).toBe('function');
      expect(load.resolve('electron-updater').startsWith(extracted)).toBe(true);
    });
    expect(protocol.privileged.length).toBe(before + 1);
  });
});
