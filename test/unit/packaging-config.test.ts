/**
 * electron-builder.yml, checked with electron-builder's own code where it has some: its JSON
 * schema and validator, its file matcher (what goes into the app, what is unpacked from the
 * asar) and its fuse mapping. What it names must exist: icons in every size the targets need,
 * the entitlements, the hooks, a keyring binary for every target it builds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DebugLogger, Arch } from 'builder-util';
import type { Configuration } from 'app-builder-lib';
import type * as ElectronFuses from '@electron/fuses';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import * as fileMatchers from 'app-builder-lib/out/fileMatcher';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import { trayIconFile } from '../../main/electron/tray-icon-file';
import { electronBuilderModule, fakeElectronBinary } from '../support/electron-builder';
import { decodePng, readIcns, readIco } from '../support/icon-files';
import { packageFiles, productionPackages } from '../support/production-tree';

const repo = resolve(__dirname, '../..');
const config = await getConfig(repo, join(repo, 'electron-builder.yml'), null);
const requireHere = createRequire(__filename);
const keyringBinary = requireHere(join(repo, 'scripts/packaging/keyring-binary.cjs')) as { keyringPackageFor(platform: string, arch: string): string; lockedPackage(appDir: string, name: string): { version: string; integrity: string } };
const packTargetModule = requireHere(join(repo, 'scripts/packaging/target.cjs')) as { ARCH_NAMES: readonly string[] };

const scratch = mkdtempSync(join(tmpdir(), 'porthole-packaging-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stat for electron-builder's filters, which only ask whether a path is a folder. */
const fileStat = { isDirectory: () => false } as unknown as Parameters<ReturnType<FileMatcher['createFilter']>>[1];

/** electron-builder's own matcher over `patterns`, answering for paths relative to the app. */
function matcher(patterns: readonly string[]): (relative: string) => boolean {
  const filter = new FileMatcher(repo, '/', (pattern) => pattern, [...patterns]).createFilter();
  return (relative) => filter(join(repo, relative), fileStat);
}

type Filter = ReturnType<FileMatcher['createFilter']>;
// getConfig hands `files` back as file sets; the app's own files are the sets without a `from`.
const appPatterns = (config.files as { from?: string; filter: string[] }[]).filter((set) => set.from === undefined).flatMap((set) => set.filter);
const packedAppFile = matcher(appPatterns);
// node_modules are filtered by a matcher of their own (everything, minus the exclusions in `files`).
const { getNodeModuleFileMatcher } = fileMatchers as unknown as {
  getNodeModuleFileMatcher(appDir: string, destination: string, macroExpander: (p: string) => string, platformOptions: object, packager: object): FileMatcher;
};
const moduleFilter: Filter = getNodeModuleFileMatcher(repo, '/', (pattern) => pattern, config.linux ?? {}, { config, debugLogger: new DebugLogger(false) }).createFilter();
/** Whether electron-builder puts this file (relative to the app) into the package. */
const packed = (relative: string): boolean => (relative.startsWith('node_modules/') ? moduleFilter(join(repo, relative), fileStat) : packedAppFile(relative));
const unpacked = matcher(config.asarUnpack as string[]);

/** Every platform and arch the configuration builds. */
function targets(): { platform: 'win32' | 'darwin' | 'linux'; arch: string }[] {
  const of = (platform: 'win32' | 'darwin' | 'linux', section: Configuration['win'] | Configuration['mac'] | Configuration['linux']) =>
    ((section?.target ?? []) as { arch: string[] }[]).flatMap((target) => target.arch.map((arch) => ({ platform, arch })));
  return [...of('win32', config.win), ...of('darwin', config.mac), ...of('linux', config.linux)];
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own schema, with electron-builder's validator", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The same validator does refuse a key it does not know (so passing means something).
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, deleteUserDataOnUninstall: false } as never }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });

  it('builds NSIS per user without admin rights, with a Start menu entry, keeping user data on uninstall', () => {
    expect(targets()).toEqual([
      { platform: 'win32', arch: 'x64' },
      { platform: 'darwin', arch: 'arm64' },
      { platform: 'darwin', arch: 'x64' },
      { platform: 'darwin', arch: 'arm64' },
      { platform: 'darwin', arch: 'x64' },
      { platform: 'linux', arch: 'x64' },
      { platform: 'linux', arch: 'x64' },
    ]);
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: false, createStartMenuShortcut: true, deleteAppDataOnUninstall: false });
  });

  it('builds dmg and zip for macOS under the hardened runtime, with the entitlements file in the repo and signing left to the environment', () => {
    expect((config.mac!.target as { target: string }[]).map((t) => t.target)).toEqual(['dmg', 'zip']);
    expect(config.mac).toMatchObject({ hardenedRuntime: true, entitlements: 'assets/entitlements.mac.plist', entitlementsInherit: 'assets/entitlements.mac.plist' });
    // No identity or certificate in the file: CSC_LINK / APPLE_API_KEY and friends decide.
    expect(JSON.stringify(config)).not.toMatch(/identity|cscLink|cscKeyPassword|appleId|APPLE_/);
    const plist = readFileSync(join(repo, 'assets/entitlements.mac.plist'), 'utf8');
    expect(plist).toMatch(/<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    expect(plist).not.toMatch(/disable-library-validation|allow-dyld-environment-variables|get-task-allow/);
  });

  it('builds AppImage and deb, the deb depending on a Secret Service for the keychain', () => {
    expect((config.linux!.target as { target: string }[]).map((t) => t.target)).toEqual(['AppImage', 'deb']);
    expect(config.deb!.depends).toEqual(expect.arrayContaining(['libsecret-1-0', 'gnome-keyring | keepassxc']));
    // Everything electron-builder would have depended on is still there (setting depends replaces its list).
    expect(config.deb!.depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1']));
    expect(config.linux!.maintainer).toMatch(/<.+@.+>/);
  });

  it('publishes to GitHub releases, where the updater looks', () => {
    expect(config.publish).toMatchObject({ provider: 'github', owner: expect.any(String), repo: expect.any(String) });
  });

  it('sets the fuses: no running as Node, no NODE_OPTIONS or inspect flags, only a validated app.asar, no file:// privileges', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true,
    });
  });

  it("flips exactly those fuses in a binary, through electron-builder's own fuse mapping and @electron/fuses", async () => {
    // Every fuse starts in the opposite state, so each one the config names has to move.
    const fuses = electronBuilderModule<typeof ElectronFuses>('@electron/fuses');
    const { PlatformPackager } = await import('app-builder-lib');
    const binary = join(scratch, 'electron');
    writeFileSync(binary, fakeElectronBinary([true, false, true, true, false, false, false, true, false]));
    const fuseConfig = await (PlatformPackager.prototype as unknown as { generateFuseConfig(f: unknown): Promise<Parameters<typeof fuses.flipFuses>[1]> }).generateFuseConfig.call(null, config.electronFuses);
    await fuses.flipFuses(binary, fuseConfig);
    const after = await fuses.getCurrentFuseWire(binary);
    const { FuseV1Options } = fuses;
    const state = (option: number) => (after as unknown as Record<number, number>)[option] === 49;
    expect({
      runAsNode: state(FuseV1Options.RunAsNode),
      nodeOptions: state(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      inspect: state(FuseV1Options.EnableNodeCliInspectArguments),
      asarIntegrity: state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      onlyAsar: state(FuseV1Options.OnlyLoadAppFromAsar),
      fileProtocol: state(FuseV1Options.GrantFileProtocolExtraPrivileges),
    }).toEqual({ runAsNode: false, nodeOptions: false, inspect: false, asarIntegrity: true, onlyAsar: true, fileProtocol: false });
    // Fuses the config does not name keep their state.
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(false);
  });

  it('names hooks that exist, and the packaging hooks read electron-builder\'s arch numbers right', () => {
    for (const hook of [config.beforePack, config.afterExtract, config.afterPack]) {
      expect(typeof hook).toBe('string');
      expect(typeof (requireHere(join(repo, hook as string)) as { default: unknown }).default).toBe('function');
    }
    expect(config.npmRebuild).toBe(false);
    expect(packTargetModule.ARCH_NAMES.map((_, index) => Arch[index])).toEqual(packTargetModule.ARCH_NAMES);
  });
});

describe('icons the configuration names', () => {
  const sizesOf = (file: string) => readIco(readFileSync(join(repo, file))).map((image) => image.declared);

  it('Windows: the app, installer and uninstaller .ico hold 16 to 256 px', () => {
    for (const file of [config.win!.icon, config.nsis!.installerIcon, config.nsis!.uninstallerIcon] as string[]) {
      expect(sizesOf(file)).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]));
    }
  });

  it('macOS: the .icns holds every size from 16 to 1024 px', () => {
    const sizes = readIcns(readFileSync(join(repo, config.mac!.icon as string))).map((entry) => entry.image.width);
    expect([...new Set(sizes)].sort((a, b) => a - b)).toEqual([16, 32, 64, 128, 256, 512, 1024]);
  });

  it('Linux: the icon folder holds NxN.png files, each really N x N, up to 512 px and beyond', () => {
    const folder = join(repo, config.linux!.icon as string);
    const files = readdirSync(folder);
    const sizes = files.map((file) => Number(/^(\d+)x\1\.png$/.exec(file)?.[1]));
    expect(sizes.every((size) => size > 0)).toBe(true);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 64, 128, 256, 512]));
    for (const file of files) {
      const image = decodePng(readFileSync(join(folder, file)));
      expect(`${image.width}x${image.height}.png`).toBe(file);
    }
  });

  it('the window and tray icons the running app loads are packed, and the sources and build resources are not', () => {
    const runtime = ['assets/icon.png'];
    for (const state of ['idle', 'busy', 'ready', 'failed'] as const) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) {
        const file = trayIconFile(state, platform);
        runtime.push(`assets/${file}`);
        if (file.endsWith('.png')) runtime.push(`assets/${file.replace('.png', '@2x.png')}`);
      }
    }
    for (const file of runtime) {
      expect(statSync(join(repo, file)).isFile(), file).toBe(true);
      expect(packed(file), file).toBe(true);
    }
    for (const file of ['assets/icon.svg', 'assets/tray-src/tray-idle.svg', 'assets/icon.icns', 'assets/icon.ico', 'assets/icons/16x16.png', 'assets/entitlements.mac.plist', 'out/main/index.js.map', 'out/native/linux-x64/ssh2-crypto/build/Release/sshcrypto.node']) {
      expect(packed(file), file).toBe(false);
    }
    expect(packed('out/main/index.js')).toBe(true);
    expect(packed('package.json')).toBe(true);
  });
});

describe('native modules', () => {
  const prod = productionPackages(repo);

  it('the asarUnpack patterns cover every native module of the production dependency tree that is packed', () => {
    const nativeFiles = prod.filter((pkg) => pkg.installed).flatMap((pkg) => packageFiles(repo, pkg.path)).filter((file) => file.endsWith('.node'));
    // This machine has at least ssh2's addon, cpu-features' and the keyring's Linux binary.
    expect(nativeFiles).toEqual(expect.arrayContaining(['node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', 'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node']));
    const shipped = nativeFiles.filter(packed);
    expect(shipped.filter((file) => !unpacked(file))).toEqual([]);
    // cpu-features is left out: it cannot be built for Electron (ssh2 #1240) and ssh2 does without it.
    expect(nativeFiles.filter((file) => file.startsWith('node_modules/cpu-features/')).length).toBeGreaterThan(0);
    expect(shipped.filter((file) => file.startsWith('node_modules/cpu-features/'))).toEqual([]);
  });

  it('every target has its @napi-rs/keyring binary: a package the keyring names, pinned in package-lock.json, unpacked from the asar', () => {
    const keyringManifest = JSON.parse(readFileSync(join(repo, 'node_modules/@napi-rs/keyring/package.json'), 'utf8')) as { version: string; optionalDependencies: Record<string, string> };
    for (const { platform, arch } of targets()) {
      const name = keyringBinary.keyringPackageFor(platform, arch);
      expect(keyringManifest.optionalDependencies[name], name).toBe(keyringManifest.version);
      expect(keyringBinary.lockedPackage(repo, name)).toEqual({ version: keyringManifest.version, integrity: expect.stringMatching(/^sha512-/) });
      const binaryName = `keyring.${name.replace('@napi-rs/keyring-', '')}.node`;
      expect(packed(`node_modules/${name}/${binaryName}`), name).toBe(true);
      expect(unpacked(`node_modules/${name}/${binaryName}`), name).toBe(true);
    }
    expect(() => keyringBinary.keyringPackageFor('linux', 'ia32')).toThrow(/no binary package Porthole knows for linux-ia32/);
  });
});
