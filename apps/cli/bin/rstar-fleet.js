#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled TypeScript (built by `npm ci` through the root `prepare`
// script, or by `npm run build`). Fail with a clear message instead of a stack trace if not built.
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'main.js');
let cli;
try {
  cli = require(entry);
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(entry)) {
    process.stderr.write(
      'rstar-fleet: not built yet; run `npm run build` at the repository root\n',
    );
    process.exit(70);
  }
  throw err;
}
// `rstar-fleet … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
cli.main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`rstar-fleet: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
