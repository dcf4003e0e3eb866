/**
 * electron-builder's afterExtract hook: Electron is unpacked, the app is not packed yet. Here
 * ssh2's addon as npm built it (for Node) leaves node_modules until after-pack.cjs, and the
 * one before-pack.cjs built for Electron takes its place, checked against the very Electron
 * it ships with: an addon that needs crypto symbols this Electron does not export would end
 * the app at its first encrypted packet, so it is removed and the app runs ssh2's JavaScript
 * path instead. (Done here, not earlier: a download that fails before this point leaves
 * node_modules as it was.)
 */
'use strict';
const { existsSync, rmSync } = require('node:fs');
const path = require('node:path');
const { installedAddon, installForPacking, unresolvedCryptoSymbols } = require('./ssh2-crypto.cjs');
const { packTarget } = require('./target.cjs');

/** The binary that exports Electron's native symbols: the executable, or on macOS its framework. */
function electronHostBinary({ appOutDir, electronPlatformName, packager }) {
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    const appName = packager.info.framework.distMacOsAppName ?? 'Electron.app';
    return path.join(appOutDir, appName, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
  }
  return path.join(appOutDir, electronPlatformName === 'win32' ? 'electron.exe' : 'electron');
}

exports.default = async function afterExtract(context) {
  const { appDir, platform, arch } = packTarget(context);
  installForPacking(appDir, platform, arch);
  const addon = installedAddon(appDir);
  if (!existsSync(addon)) return;
  let problem = null;
  try {
    const missing = unresolvedCryptoSymbols(addon, electronHostBinary(context), platform);
    if (missing.length > 0) problem = `this Electron does not export ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`;
  } catch (error) {
    problem = `its symbols could not be checked (${error.message})`;
  }
  if (problem === null) {
    console.log('  • ssh2 crypto addon  links against this Electron: shipped');
    return;
  }
  rmSync(addon);
  console.log(`  • ssh2 crypto addon  not shipped: ${problem}; the app uses ssh2's JavaScript crypto`);
};
