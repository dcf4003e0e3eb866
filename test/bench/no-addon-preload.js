/**
 * `node --require test/bench/no-addon-preload.js ...`: makes ssh2's optional native crypto
 * addon (lib/protocol/crypto/build/Release/sshcrypto.node) fail to load, as it does inside
 * an Electron that was not rebuilt for it. ssh2 then falls back to Node's crypto; the child
 * checks `require('ssh2/lib/protocol/crypto.js').bindingAvailable === false` to prove it.
 */
'use strict';
// A --require preload is CommonJS by nature; it must patch the CJS loader before ssh2 loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('node:module');

const originalLoad = Module._load;
Module._load = function loadWithoutSshcrypto(request, parent, isMain) {
  if (typeof request === 'string' && /(^|[\\/])sshcrypto\.node$/.test(request)) {
    const error = new Error(`Cannot find module '${request}' (blocked by no-addon-preload.js)`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return originalLoad.call(this, request, parent, isMain);
};
