// One jest run for the whole tree: unit tests live beside the code (`src/**/*.test.ts`),
// cross-package and cross-process suites in `tests/src`. Workspace imports resolve to the
// TypeScript sources, so unit tests never depend on a stale build.
const fs = require('node:fs');
const path = require('node:path');

const workspaceDirs = ['packages', 'apps'].flatMap((group) =>
  fs
    .readdirSync(path.join(__dirname, group), { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && fs.existsSync(path.join(__dirname, group, d.name, 'package.json')),
    )
    .map((d) => path.join(group, d.name)),
);

const moduleNameMapper = {
  // A lazy `await import('./x.js')` (TypeScript wants the extension in an ESM import, Node's ESM
  // loader needs it) names the TypeScript source x.ts here.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
for (const dir of workspaceDirs) {
  const { name } = require(path.join(__dirname, dir, 'package.json'));
  const escaped = name.replace('/', '\\/');
  moduleNameMapper[`^${escaped}$`] = `<rootDir>/${dir}/src/index.ts`;
  // Subpath entry points (package.json "exports", e.g. `@rstar-fleet/mcts/testing`).
  moduleNameMapper[`^${escaped}/(.*)$`] = `<rootDir>/${dir}/src/$1`;
}

// ESM-only dependencies, compiled to CommonJS for jest; Node itself loads them with require(esm):
// hyparquet (the corpus Parquet reader) and @kubernetes/client-node with the ESM packages it pulls in.
const esmOnly = 'hyparquet|@kubernetes/client-node|openid-client|oauth4webapi|jose';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/tests', '<rootDir>/bench'],
  testMatch: ['**/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // The trainer's Python venv (apps/trainer/.venv, ~20,000 files): never crawled for modules.
  modulePathIgnorePatterns: ['/\\.venv/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    [`/node_modules/(${esmOnly})[^/]*/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly}))`],
  moduleNameMapper,
  testTimeout: 60_000,
};
