/**
 * The platform and arch a hook's context is about, as Node names them. electron-builder hands
 * hooks its Arch enum as a number; its order is builder-util's (a test keeps the two in step),
 * written out here so the hooks need nothing but Node to load.
 */
'use strict';

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

function packTarget(context) {
  const arch = ARCH_NAMES[context.arch];
  if (arch === undefined) throw new Error(`unknown electron-builder arch ${context.arch}`);
  return {
    appDir: context.packager.info.appDir,
    // Mac App Store builds are macOS builds as far as native code goes.
    platform: context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName,
    arch,
  };
}

module.exports = { ARCH_NAMES, packTarget };
