/**
 * The packaging hooks' native work (scripts/packaging), on real files: the check that keeps a
 * crypto addon that would crash the app out of the package, run against real binaries with
 * and without OpenSSL's symbols; and the swap of ssh2's addon around one packing, which must
 * always give the Node build back.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '../..');
const requireHere = createRequire(__filename);
const crypto = requireHere(join(repo, 'scripts/packaging/ssh2-crypto.cjs')) as {
  stagedAddon(appDir: string, platform: string, arch: string): string;
  installedAddon(appDir: string): string;
  nodeBuildBackup(appDir: string): string;
  installForPacking(appDir: string, platform: string, arch: string): boolean;
  restoreNodeBuild(appDir: string): boolean;
  electronBuildEnv(appDir: string): NodeJS.ProcessEnv;
  buildForElectron(options: { appDir: string; electronVersion: string; platform: string; arch: string }): { built: boolean; reason?: string };
  unresolvedCryptoSymbols(addon: string, host: string, platform?: string): string[];
};

const nodeBuiltAddon = join(dirname(requireHere.resolve('ssh2/package.json')), 'lib/protocol/crypto/build/Release/sshcrypto.node');
const scratch = mkdtempSync(join(tmpdir(), 'porthole-packaging-native-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the check that ssh2's crypto addon can run in the runtime it ships with", () => {
  it('passes an addon in a host that exports OpenSSL (Node: the addon npm built for it)', () => {
    expect(crypto.unresolvedCryptoSymbols(nodeBuiltAddon, process.execPath, 'linux')).toEqual([]);
  });

  it('names what is missing in a host that exports none (ssh, which links libcrypto like Electron links BoringSSL: privately)', () => {
    const missing = crypto.unresolvedCryptoSymbols(nodeBuiltAddon, '/usr/bin/ssh', 'linux');
    // The symbol of ssh2 #1182's crash, OpenSSL 3's MAC API, and the functions binding.cc looks up at run time.
    expect(missing).toEqual(expect.arrayContaining(['ERR_set_mark', 'EVP_MAC_fetch', 'EVP_aes_128_gcm', 'EVP_CIPHER_CTX_get_iv_length or EVP_CIPHER_CTX_iv_length']));
    expect(missing.every((name) => /^(ERR|EVP|HMAC|CRYPTO|OSSL|OPENSSL|RAND|BN|EC|RSA)_/.test(name))).toBe(true);
  });

  it('fails loudly on a host binary it cannot read (the hook then leaves the addon out)', () => {
    const notABinary = join(scratch, 'electron');
    writeFileSync(notABinary, 'not an executable');
    expect(() => crypto.unresolvedCryptoSymbols(nodeBuiltAddon, notABinary, 'linux')).toThrow(/nm could not read .*electron/);
  });

  it('has nothing to check on Windows, where a successful build already linked against Electron', () => {
    expect(crypto.unresolvedCryptoSymbols('C:\\addon.node', 'C:\\electron.exe', 'win32')).toEqual([]);
  });
});

describe("ssh2's crypto addon around one packing", () => {
  /** An app folder with ssh2's Node build, as npm leaves it. */
  function app(name: string): { dir: string; nodeBuild: Buffer } {
    const dir = join(scratch, name);
    const ssh2 = join(dir, 'node_modules', 'ssh2');
    mkdirSync(join(ssh2, 'lib/protocol/crypto/build/Release'), { recursive: true });
    cpSync(requireHere.resolve('ssh2/package.json'), join(ssh2, 'package.json'));
    cpSync(nodeBuiltAddon, join(ssh2, 'lib/protocol/crypto/build/Release/sshcrypto.node'));
    writeFileSync(join(ssh2, 'lib/protocol/crypto/build/Release/obj.target'), 'build leftovers');
    return { dir, nodeBuild: readFileSync(nodeBuiltAddon) };
  }

  it('packs the Electron build in place of the Node build, then gives the Node build back', () => {
    const { dir, nodeBuild } = app('swap');
    const electronBuild = Buffer.from('an addon built for Electron');
    mkdirSync(dirname(crypto.stagedAddon(dir, 'linux', 'x64')), { recursive: true });
    writeFileSync(crypto.stagedAddon(dir, 'linux', 'x64'), electronBuild);

    expect(crypto.installForPacking(dir, 'linux', 'x64')).toBe(true);
    expect(readFileSync(crypto.installedAddon(dir))).toEqual(electronBuild);
    expect(readdirSync(dirname(crypto.installedAddon(dir)))).toEqual(['sshcrypto.node']);

    expect(crypto.restoreNodeBuild(dir)).toBe(true);
    expect(readFileSync(crypto.installedAddon(dir))).toEqual(nodeBuild);
    expect(existsSync(join(dirname(crypto.installedAddon(dir)), 'obj.target'))).toBe(true);
    expect(existsSync(crypto.nodeBuildBackup(dir))).toBe(false);
    expect(crypto.restoreNodeBuild(dir)).toBe(false);
  });

  it('packs no addon at all when there is no Electron build (a Node build cannot load in Electron)', () => {
    const { dir, nodeBuild } = app('none');
    expect(crypto.installForPacking(dir, 'darwin', 'arm64')).toBe(false);
    expect(existsSync(dirname(dirname(crypto.installedAddon(dir))))).toBe(false);
    crypto.restoreNodeBuild(dir);
    expect(readFileSync(crypto.installedAddon(dir))).toEqual(nodeBuild);
  });

  it('after a packing that died half-way, the next one starts from the Node build and loses nothing', () => {
    const { dir, nodeBuild } = app('crashed');
    crypto.installForPacking(dir, 'linux', 'x64');
    // ...the packing dies here: no restore. The next packing:
    crypto.installForPacking(dir, 'linux', 'x64');
    expect(readFileSync(join(crypto.nodeBuildBackup(dir), 'Release', 'sshcrypto.node'))).toEqual(nodeBuild);
    crypto.restoreNodeBuild(dir);
    expect(readFileSync(crypto.installedAddon(dir))).toEqual(nodeBuild);
  });

  it('does not try to cross-compile, and says so', () => {
    const { dir } = app('cross');
    const other = process.platform === 'darwin' ? 'win32' : 'darwin';
    expect(crypto.buildForElectron({ appDir: dir, electronVersion: '45.4.1', platform: other, arch: 'arm64' })).toEqual({ built: false, reason: `native code cannot be cross-compiled from ${process.platform} to ${other}` });
    const otherArch = process.arch === 'arm64' ? 'x64' : 'arm64';
    expect(crypto.buildForElectron({ appDir: dir, electronVersion: '45.4.1', platform: 'linux', arch: otherArch })).toEqual({ built: false, reason: `native code cannot be cross-compiled from ${process.arch} to ${otherArch} here` });
  });

  it("builds with none of npm's settings, which would point node-gyp at Node's headers", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { npm_config_nodedir: '/usr', npm_config_target: '20.0.0', NPM_CONFIG_DIST_URL: 'https://nodejs.org/dist' });
      const env = crypto.electronBuildEnv('/srv/app');
      expect(Object.keys(env).filter((name) => /^npm_config_/i.test(name))).toEqual([]);
      expect(env['NODE_PATH']).toBe(join('/srv/app', 'node_modules'));
      expect(env['PATH']).toBe(process.env['PATH']);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
