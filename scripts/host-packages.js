'use strict';
// The Debian packages this repository needs on a host — the one list in host-packages.json — and
// the one way they are checked and installed. Plain CommonJS on purpose: scripts/test-env.js
// uses it before anything is built, and `rstar-fleet demo` (apps/cli/src/demo/
// host-preflight.ts) loads it at run time.

const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const LIST_FILE = join(__dirname, 'host-packages.json');
const DPKG_QUERY_DEADLINE_MS = 30_000;

/**
 * Names of the packages needed for any of `needs` ('sandbox', 'redis', 'tests'); every package
 * of the list when `needs` is undefined.
 * @param {readonly string[] | undefined} needs
 * @param {string} [listFile]
 * @returns {string[]}
 */
function hostPackagesFor(needs, listFile = LIST_FILE) {
  const { packages } = JSON.parse(readFileSync(listFile, 'utf8'));
  return packages
    .filter((p) => needs === undefined || p.for.some((n) => needs.includes(n)))
    .map((p) => p.name);
}

/**
 * The names dpkg does not report as installed. Throws an Error when dpkg-query cannot run (not a
 * Debian system), naming the packages to install by other means.
 * @param {readonly string[]} names
 * @returns {string[]}
 */
function missingHostPackages(names) {
  if (names.length === 0) return [];
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], {
    encoding: 'utf8',
    timeout: DPKG_QUERY_DEADLINE_MS,
  });
  if (query.error !== undefined) {
    throw new Error(
      `dpkg-query could not run (${query.error.message}): on a system without Debian's ` +
        `packages, install the equivalents of: ${names.join(' ')}`,
    );
  }
  // dpkg-query exits 1 when a name is unknown; its stdout still lists the others.
  const installed = new Set(
    query.stdout
      .split('\n')
      .filter((line) => line.endsWith(' install ok installed'))
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

/**
 * What someone who is not root is told to run.
 * @param {readonly string[]} missing
 */
function sudoInstallCommand(missing) {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

/**
 * The apt-get argument lists root runs, in order (with DEBIAN_FRONTEND=noninteractive).
 * @param {readonly string[]} missing
 * @returns {string[][]}
 */
function aptInstallSteps(missing) {
  return [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
  ];
}

module.exports = {
  LIST_FILE,
  hostPackagesFor,
  missingHostPackages,
  sudoInstallCommand,
  aptInstallSteps,
};
