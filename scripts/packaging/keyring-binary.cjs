/**
 * @napi-rs/keyring loads a prebuilt binary from one package per platform and arch
 * (@napi-rs/keyring-darwin-arm64, ...). npm installs only the one for the machine it runs
 * on, so an x64 Mac build made on an Apple Silicon Mac would ship without its keychain. Before
 * packing a platform and arch, `ensureKeyringBinary` puts that target's package in
 * node_modules: fetched from the npm registry (`npm pack`) at the version and integrity
 * package-lock.json pins, and unpacked beside the others.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** Electron platform/arch -> the keyring package suffix (glibc on Linux: the distros Porthole targets). */
const SUFFIX_BY_TARGET = {
  'darwin-arm64': 'darwin-arm64',
  'darwin-x64': 'darwin-x64',
  'win32-x64': 'win32-x64-msvc',
  'win32-arm64': 'win32-arm64-msvc',
  'linux-x64': 'linux-x64-gnu',
  'linux-arm64': 'linux-arm64-gnu',
};

/** The package holding the keyring binary for `platform`/`arch`. Throws for a target the app does not support. */
function keyringPackageFor(platform, arch) {
  const suffix = SUFFIX_BY_TARGET[`${platform}-${arch}`];
  if (suffix === undefined) throw new Error(`@napi-rs/keyring has no binary package Porthole knows for ${platform}-${arch}`);
  return `@napi-rs/keyring-${suffix}`;
}

/** What package-lock.json pins for `name`: version, tarball and integrity. */
function lockedPackage(appDir, name) {
  const lock = JSON.parse(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8'));
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new Error(`package-lock.json does not pin ${name}; run npm install on any machine to record it`);
  return { version: entry.version, integrity: entry.integrity };
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', windowsHide: true, ...options });
  if (result.error || result.status !== 0) {
    throw new Error(`${path.basename(command)} ${args[0]} failed: ${result.error ? result.error.message : (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}`);
  }
  return result.stdout;
}

/** npm itself: the one running `npm run dist`, else the one on PATH. */
function npm(args, options) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /npm-cli\.js$/.test(npmCli)) return run(process.execPath, [npmCli, ...args], options);
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { ...options, shell: process.platform === 'win32' });
}

/**
 * Makes sure node_modules holds the keyring package for `platform`/`arch`. Returns
 * 'present' or 'fetched'; throws (failing the build) when it cannot, because an app without
 * its keychain cannot keep a single secret.
 */
function ensureKeyringBinary({ appDir, platform, arch }) {
  const name = keyringPackageFor(platform, arch);
  const target = path.join(appDir, 'node_modules', ...name.split('/'));
  const { version, integrity } = lockedPackage(appDir, name);
  if (existsSync(path.join(target, 'package.json')) && JSON.parse(readFileSync(path.join(target, 'package.json'), 'utf8')).version === version) return 'present';

  const scratch = mkdtempSync(path.join(tmpdir(), 'porthole-keyring-'));
  try {
    const [packed] = JSON.parse(npm(['pack', `${name}@${version}`, '--json', '--pack-destination', scratch], { cwd: scratch }));
    if (packed?.integrity !== integrity) throw new Error(`${name}@${version} from the registry has integrity ${packed?.integrity}, package-lock.json pins ${integrity}`);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    run('tar', ['-xzf', path.join(scratch, packed.filename), '-C', target, '--strip-components=1']);
    return 'fetched';
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

module.exports = { SUFFIX_BY_TARGET, keyringPackageFor, lockedPackage, ensureKeyringBinary };
