#!/usr/bin/env node
// The `porthole` command in a checkout: runs the TypeScript CLI through tsx.
'use strict';
require('tsx/cjs');
// The clouds' SDKs load on first use through import(), which needs tsx's ESM hooks too
// (registered through the ESM build of tsx's API: its CommonJS entry cannot load it).
import('tsx/esm/api')
  .then(({ register }) => {
    register();
    return require('../main/cli.ts').main(process.argv);
  })
  .catch((error) => {
    process.stderr.write(`porthole: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
