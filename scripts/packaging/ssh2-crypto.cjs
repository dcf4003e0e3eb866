/**
 * ssh2's optional crypto addon (lib/protocol/crypto/binding.gyp), built for the Electron that
 * ships. npm builds it for Node's ABI, which Electron refuses to load; electron-builder's and
 * @electron/rebuild's rebuilds never see it (they look for binding.gyp at a package's root).
 *
 * The addon calls OpenSSL functions it expects the host process to export, as Node does.
 * Electron links BoringSSL and exports none of it (electron/electron#13176, PR #16243 never
 * merged): such an addon loads, and the first packet it encrypts ends the process on an
 * unresolved symbol (ssh2 #1182). So a build is shipped only when every crypto symbol it
 * needs is exported by the Electron it ships with (`unresolvedCryptoSymbols`); otherwise the
 * app runs ssh2's JavaScript path over Electron's own crypto, and says so at start-up.
 *
 * The build happens in out/native/<platform>-<arch>/ssh2-crypto. electron-builder packs
 * node_modules as it finds them, so for the time of one packing (after-extract.cjs to
 * after-pack.cjs) the Node build is set aside (out/native/node-build) and the Electron build,
 * if any, takes its place; after-pack.cjs puts the Node build back for the CLI and the tests.
 * A packing that died half-way is repaired by the next one (or by `npm rebuild ssh2`).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, renameSync, rmSync } = require('node:fs');
const { homedir } = require('node:os');
const path = require('node:path');

/** Where the build for one platform and arch is staged (installForPacking puts it in node_modules for the packing). */
function stageDir(appDir, platform, arch) {
  return path.join(appDir, 'out', 'native', `${platform}-${arch}`, 'ssh2-crypto');
}

/** ssh2's build folder in node_modules: what the app packs and what `require` loads. */
function installedBuildDir(appDir) {
  return path.join(path.dirname(require.resolve('ssh2/package.json', { paths: [appDir] })), 'lib', 'protocol', 'crypto', 'build');
}

/** The addon ssh2 loads (lib/protocol/crypto.js requires exactly this file). */
function installedAddon(appDir) {
  return path.join(installedBuildDir(appDir), 'Release', 'sshcrypto.node');
}

/** Where npm's Node build waits while a package is made. */
function nodeBuildBackup(appDir) {
  return path.join(appDir, 'out', 'native', 'node-build', 'ssh2-crypto-build');
}

/** Puts npm's Node build back in node_modules (after packing, or after a packing that died). */
function restoreNodeBuild(appDir) {
  const backup = nodeBuildBackup(appDir);
  if (!existsSync(backup)) return false;
  rmSync(installedBuildDir(appDir), { recursive: true, force: true });
  renameSync(backup, installedBuildDir(appDir));
  return true;
}

/**
 * Before packing one platform and arch: the Node build leaves node_modules (it cannot load in
 * Electron) and the Electron build staged for that target, if there is one, takes its place.
 */
function installForPacking(appDir, platform, arch) {
  restoreNodeBuild(appDir);
  const installed = installedBuildDir(appDir);
  if (existsSync(installed)) {
    mkdirSync(path.dirname(nodeBuildBackup(appDir)), { recursive: true });
    renameSync(installed, nodeBuildBackup(appDir));
  }
  const staged = stagedAddon(appDir, platform, arch);
  if (!existsSync(staged)) return false;
  mkdirSync(path.dirname(installedAddon(appDir)), { recursive: true });
  cpSync(staged, installedAddon(appDir));
  return true;
}

/** The addon a successful build leaves in the stage. */
function stagedAddon(appDir, platform, arch) {
  return path.join(stageDir(appDir, platform, arch), 'build', 'Release', 'sshcrypto.node');
}

/** Why a tool failed, in one line: the compiler's error, else node-gyp's own explanation, else the output's end. */
function failureReason(output) {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const compiler = lines.find((line) => /\berror\b/i.test(line) && !/^gyp /.test(line));
  if (compiler !== undefined) return compiler;
  const explanation = lines.filter((line) => /^gyp ERR! stack /.test(line)).map((line) => line.replace(/^gyp ERR! stack\s*/, '')).filter((line) => !/^at /.test(line));
  return explanation.length > 0 ? explanation.join(' ') : lines.slice(-3).join(' / ');
}

/**
 * The environment node-gyp runs in. npm passes its settings down as npm_config_* variables,
 * and node-gyp reads them: Debian's npm sets nodedir=/usr, which would build against Node's
 * headers under Electron's version number. None may leak into an Electron build.
 */
function electronBuildEnv(appDir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
  // binding.gyp finds nan's headers with `node -e "require('nan')"` from the stage.
  return { ...env, NODE_PATH: path.join(appDir, 'node_modules') };
}

/**
 * Builds the addon for Electron `electronVersion` on `platform`/`arch` with node-gyp and
 * Electron's headers. Resolves `{ built: true, addon }` or `{ built: false, reason }`; never
 * throws, because the app works without the addon.
 */
function buildForElectron({ appDir, electronVersion, platform, arch }) {
  const stage = stageDir(appDir, platform, arch);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  if (platform !== process.platform) return { built: false, reason: `native code cannot be cross-compiled from ${process.platform} to ${platform}` };
  // Apple's clang builds either Mac architecture; elsewhere the compiler builds for its own.
  if (arch !== process.arch && platform !== 'darwin') return { built: false, reason: `native code cannot be cross-compiled from ${process.arch} to ${arch} here` };

  let sources;
  let nodeGyp;
  try {
    sources = path.join(path.dirname(require.resolve('ssh2/package.json', { paths: [appDir] })), 'lib', 'protocol', 'crypto');
    nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [appDir] });
  } catch (error) {
    return { built: false, reason: `the build tools are missing (${error.message.split('\n')[0]})` };
  }
  cpSync(path.join(sources, 'binding.gyp'), path.join(stage, 'binding.gyp'));
  cpSync(path.join(sources, 'src'), path.join(stage, 'src'), { recursive: true });

  const result = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--runtime=electron',
      `--target=${electronVersion}`,
      `--arch=${arch}`,
      '--dist-url=https://electronjs.org/headers',
      `--devdir=${path.join(homedir(), '.electron-gyp')}`,
      // BoringSSL offers OpenSSL 1.1's API (no EVP_MAC), which is what ssh2 calls "below 3".
      '--real_openssl_major=1',
    ],
    {
      cwd: stage,
      env: electronBuildEnv(appDir),
      encoding: 'utf8',
      timeout: 10 * 60_000,
      windowsHide: true,
    },
  );
  const addon = stagedAddon(appDir, platform, arch);
  if (result.status === 0 && existsSync(addon)) return { built: true, addon };
  const why = result.error ? result.error.message : failureReason(`${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  rmSync(path.join(stage, 'build'), { recursive: true, force: true });
  return { built: false, reason: `node-gyp failed: ${why || `exit code ${result.status}`}` };
}

/**
 * Functions binding.cc looks up at run time with dlsym/GetProcAddress rather than linking:
 * one name of each pair must be exported, or the addon calls a null pointer.
 */
const LOOKED_UP_AT_RUN_TIME = [
  ['EVP_CIPHER_CTX_get_iv_length', 'EVP_CIPHER_CTX_iv_length'],
  ['EVP_CIPHER_CTX_get_key_length', 'EVP_CIPHER_CTX_key_length'],
  ['EVP_CIPHER_get_flags', 'EVP_CIPHER_flags'],
  ['EVP_CIPHER_CTX_get_block_size', 'EVP_CIPHER_CTX_block_size'],
];

const CRYPTO_SYMBOL = /^(ERR|EVP|HMAC|CRYPTO|OSSL|OPENSSL|RAND|BN|EC|RSA)_/;

/** Symbol names `nm` prints for `file` (Mach-O names lose their leading underscore). */
function symbolNames(file, kind, platform) {
  const args = platform === 'darwin' ? (kind === 'undefined' ? ['-u', file] : ['-gU', file]) : ['-D', kind === 'undefined' ? '--undefined-only' : '--defined-only', file];
  const result = spawnSync('nm', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error || result.status !== 0) throw new Error(`nm could not read ${file}: ${result.error ? result.error.message : failureReason(result.stderr)}`);
  return new Set(
    result.stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
      .filter((name) => name !== '')
      .map((name) => (platform === 'darwin' ? name.replace(/^_/, '') : name).replace(/@.*$/, '')),
  );
}

/**
 * The crypto symbols `addon` needs that `host` (the Electron executable, or on macOS the
 * Electron Framework binary) does not export. Empty means the addon can run in that host.
 * Windows needs no check: its addons link against Electron's import library, so a build
 * that succeeded resolved them all. Throws when the binaries cannot be read.
 */
function unresolvedCryptoSymbols(addon, host, platform = process.platform) {
  if (platform === 'win32') return [];
  const exported = symbolNames(host, 'defined', platform);
  const needed = [...symbolNames(addon, 'undefined', platform)].filter((name) => CRYPTO_SYMBOL.test(name));
  const missing = needed.filter((name) => !exported.has(name));
  for (const names of LOOKED_UP_AT_RUN_TIME) {
    if (!names.some((name) => exported.has(name))) missing.push(names.join(' or '));
  }
  return missing.sort();
}

module.exports = { stageDir, stagedAddon, installedAddon, nodeBuildBackup, installForPacking, restoreNodeBuild, electronBuildEnv, buildForElectron, unresolvedCryptoSymbols };
