/**
 * electron-builder's afterPack hook: the app is packed, so npm's Node build of ssh2's crypto
 * addon goes back into node_modules for the CLI and the tests (before-pack.cjs set it aside).
 */
'use strict';
const { restoreNodeBuild } = require('./ssh2-crypto.cjs');
const { packTarget } = require('./target.cjs');

exports.default = async function afterPack(context) {
  restoreNodeBuild(packTarget(context).appDir);
};
