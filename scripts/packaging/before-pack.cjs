/**
 * electron-builder's beforePack hook (electron-builder.yml), run once per platform and arch
 * before anything is packed: the native parts of the app for that target.
 *  - @napi-rs/keyring: the target's prebuilt binary must be in node_modules (a build fails
 *    without it: no keychain, no secrets).
 *  - ssh2's crypto addon: built for the target's Electron into out/native (after-extract.cjs
 *    decides whether it ships); when that is not possible the app runs ssh2's JavaScript
 *    path, and the build log says why.
 */
'use strict';
const { ensureKeyringBinary, keyringPackageFor } = require('./keyring-binary.cjs');
const { buildForElectron } = require('./ssh2-crypto.cjs');
const { packTarget } = require('./target.cjs');

exports.default = async function beforePack(context) {
  const target = packTarget(context);
  const name = `${target.platform}-${target.arch}`;
  console.log(`  • keyring binary  package=${keyringPackageFor(target.platform, target.arch)} ${ensureKeyringBinary(target)}`);
  const electronVersion = context.packager.info.framework.version;
  const crypto = buildForElectron({ ...target, electronVersion });
  console.log(
    crypto.built
      ? `  • ssh2 crypto addon  built for Electron ${electronVersion} ${name}; shipped if it links against that Electron (after-extract)`
      : `  • ssh2 crypto addon  not shipped for ${name}, the app uses ssh2's JavaScript crypto: ${crypto.reason}`,
  );
};
