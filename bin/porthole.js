#!/usr/bin/env node
// The `porthole` command in a checkout: runs the TypeScript CLI through tsx.
'use strict';
require('tsx/cjs');
require('../main/cli.ts').main(process.argv).catch((error) => {
  process.stderr.write(`porthole: ${error && error.message ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
