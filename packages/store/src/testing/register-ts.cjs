// Lets a child node process run this repository's TypeScript sources directly (as jest does),
// so the crash test exercises the code under test, not a possibly stale dist build.
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const repo = path.resolve(__dirname, '../../../..');
const workspaces = { '@rstar-fleet/protocol': 'packages/protocol/src/index.ts' };

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const mapped = workspaces[request];
  return mapped === undefined ? resolve.call(this, request, ...rest) : path.join(repo, mapped);
};

Module._extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
