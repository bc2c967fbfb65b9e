#!/usr/bin/env node
// The README's test command (`npm test`) and .ci/run's set-up: everything a fresh Debian machine
// lacks is installed here, once, and reused on the next run.
//
//   node scripts/test-env.js setup          node_modules (npm ci when missing), the Debian packages
//                                           of scripts/host-packages.json, the trainer's venv, the
//                                           llama-server build of the inference contract suite
//   node scripts/test-env.js test [ARGS]    setup, then tsc -b, the trainer's pytest and jest
//                                           (ARGS go to jest, e.g. a path filter)
//
// Debian packages are installed only when missing and only as root (apt-get update once, then a
// non-interactive install); anyone else is stopped at once with the exact `sudo apt-get` command.
// The venv apps/trainer/.venv is made by the one command the trainer's README gives, and is
// remade when apps/trainer/requirements.txt or pyproject.toml changed since it was made (a stamp
// file inside it holds their hash; it is written last, so an interrupted install is redone).
// llama-server (tests/src/inference) is built once from pinned source by scripts/llama-server.js
// into a cache outside the checkout (~/.cache/rstar-fleet/llama-server/), reused by every
// checkout and every later run; its manifest is written last, so an interrupted build is redone.
//
// For tests of this script only: RSTAR_SETUP_DRY_RUN=1 prints each command it would run (prefixed
// "would run: ") instead of running it, and stops before the build; RSTAR_SETUP_PACKAGES=a,b
// replaces the package list; RSTAR_CACHE_DIR moves the llama-server cache.
'use strict';

const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const {
  aptInstallSteps,
  hostPackagesFor,
  missingHostPackages,
  sudoInstallCommand,
} = require('./host-packages.js');
const llamaServer = require('./llama-server.js');

const ROOT = join(__dirname, '..');
const TRAINER = 'apps/trainer';
const VENV = `${TRAINER}/.venv`;
const VENV_STAMP = `${VENV}/.rstar-requirements.sha256`;
/** The agreed command (the trainer's README and CI use the same). */
const VENV_COMMAND =
  `python3 -m venv ${VENV} && ${VENV}/bin/pip install -r ${TRAINER}/requirements.txt` +
  ` && ${VENV}/bin/pip install --no-deps -e ${TRAINER}`;
const PYTEST_ARGS = ['-m', 'pytest', TRAINER, '-q'];
/** pytest's exit status when it collected no test: the trainer's suite vanished, not passed. */
const PYTEST_NO_TESTS = 5;
/** Deadlines of the steps that download (apt-get from Debian, pip from PyPI): generous, bounded. */
const APT_DEADLINE_MS = 15 * 60_000;
const VENV_DEADLINE_MS = 20 * 60_000;
/** The llama-server build: a few minutes on 2 cores (plus a ~35 MB download once). */
const LLAMA_SERVER_DEADLINE_MS = 60 * 60_000;

class SetupError extends Error {}

/** Every package of scripts/host-packages.json (the test suite needs them all). */
function hostPackages(env) {
  const override = env.RSTAR_SETUP_PACKAGES;
  if (override !== undefined && override !== '') {
    return override.split(',').filter((name) => name !== '');
  }
  return hostPackagesFor(undefined);
}

/** The packages dpkg does not report as installed. */
function missingPackages(names) {
  try {
    return missingHostPackages(names);
  } catch (err) {
    throw new SetupError(err.message);
  }
}

/**
 * What to do about missing Debian packages: as root, the commands to run; otherwise, stop with
 * the exact command for the user to run.
 */
function installPlan(missing, isRoot) {
  if (missing.length === 0) return { action: 'none' };
  if (!isRoot) {
    return {
      action: 'stop',
      message:
        `missing Debian packages: ${missing.join(' ')}. Install them, then run this again:\n` +
        `  ${sudoInstallCommand(missing)}`,
    };
  }
  return { action: 'install', commands: aptInstallSteps(missing).map((args) => ['apt-get', args]) };
}

/** The hash the venv was made from: the pinned requirements and the project file. */
function requirementsHash(root) {
  const hash = createHash('sha256');
  for (const file of ['requirements.txt', 'pyproject.toml']) {
    const path = join(root, TRAINER, file);
    hash.update(`${file}\0${existsSync(path) ? readFileSync(path) : ''}\0`);
  }
  return hash.digest('hex');
}

/** 'fresh' (reuse it), 'missing' or 'stale' (remake it). */
function venvState(root) {
  if (!existsSync(join(root, VENV, 'bin', 'python'))) return 'missing';
  const stamp = join(root, VENV_STAMP);
  if (!existsSync(stamp)) return 'stale';
  return readFileSync(stamp, 'utf8').trim() === requirementsHash(root) ? 'fresh' : 'stale';
}

function say(line) {
  process.stderr.write(`test-env: ${line}\n`);
}

function makeRunner(dryRun) {
  /** Runs a command in the repository root with inherited stdio; returns its exit status. */
  return (command, args, options = {}) => {
    const shown = options.shell ? command : [command, ...args].join(' ');
    if (dryRun) {
      process.stdout.write(`would run: ${shown}\n`);
      return 0;
    }
    say(shown);
    const spawnOptions = {
      cwd: ROOT,
      stdio: 'inherit',
      env: options.env,
      timeout: options.timeoutMs,
    };
    const child = options.shell
      ? spawnSync('bash', ['-c', command], spawnOptions)
      : spawnSync(command, args, spawnOptions);
    if (child.error !== undefined) {
      throw new SetupError(`${shown}: ${child.error.message}`);
    }
    return child.status ?? 1;
  };
}

function mustRun(run, command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    throw new SetupError(
      `failed (exit ${status}): ${options?.shell ? command : command + ' ' + args.join(' ')}`,
    );
  }
}

function setupNodeModules(run) {
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) return;
  mustRun(run, 'npm', ['ci', '--no-audit', '--no-fund']);
}

function setupHostPackages(run, env) {
  const missing = missingPackages(hostPackages(env));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const plan = installPlan(missing, isRoot);
  if (plan.action === 'stop') throw new SetupError(plan.message);
  if (plan.action === 'install') {
    say(`installing missing Debian packages: ${missing.join(' ')}`);
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const [command, args] of plan.commands)
      mustRun(run, command, args, { env: aptEnv, timeoutMs: APT_DEADLINE_MS });
  }
}

function setupVenv(run, dryRun) {
  const state = venvState(ROOT);
  if (state === 'fresh') return;
  const started = Date.now();
  say(
    state === 'missing'
      ? `creating the trainer's venv ${VENV} (first run only: about a minute)`
      : `${TRAINER}/requirements.txt or pyproject.toml changed: remaking ${VENV}`,
  );
  if (!dryRun) rmSync(join(ROOT, VENV), { recursive: true, force: true });
  mustRun(run, VENV_COMMAND, [], { shell: true, timeoutMs: VENV_DEADLINE_MS });
  if (dryRun) return;
  checkNoCudaTorch();
  writeFileSync(join(ROOT, VENV_STAMP), `${requirementsHash(ROOT)}\n`);
  say(`${VENV} ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** These machines have no GPU: a CUDA build of torch (several GB of nvidia-* wheels) is a mistake. */
function checkNoCudaTorch() {
  const probe = spawnSync(
    join(ROOT, VENV, 'bin', 'python'),
    [
      '-c',
      'import importlib.metadata as m; print(" ".join(sorted(d.metadata["Name"] for d in m.distributions() if d.metadata["Name"].lower().startswith("nvidia-"))))',
    ],
    { encoding: 'utf8' },
  );
  const nvidia = (probe.stdout ?? '').trim();
  if (probe.status !== 0 || nvidia !== '') {
    throw new SetupError(
      `${VENV} holds a CUDA build of torch (${nvidia || probe.stderr}): pin torch==2.13.0 ` +
        `(the CPU wheel on this machine's disk) in ${TRAINER}/requirements.txt`,
    );
  }
}

/** Builds llama-server for the inference contract suite unless its cache has this pin's build. */
function setupLlamaServer(run, env) {
  if (llamaServer.findInstall(env) !== null) return;
  say(
    `building llama-server (${llamaServer.PIN.package}@${llamaServer.PIN.version}'s llama.cpp) ` +
      `into ${llamaServer.installDir(env)} (first run only: minutes)`,
  );
  mustRun(run, process.execPath, [join('scripts', 'llama-server.js'), 'build'], {
    env,
    timeoutMs: LLAMA_SERVER_DEADLINE_MS,
  });
}

function setup(run, env, dryRun) {
  setupNodeModules(run);
  setupHostPackages(run, env);
  setupVenv(run, dryRun);
  setupLlamaServer(run, env);
}

/** tsc -b, the trainer's pytest, then jest (last, so its summary closes the output). */
function test(run, jestArgs) {
  mustRun(run, join('node_modules', '.bin', 'tsc'), ['-b']);
  const pytest = run(join(VENV, 'bin', 'python'), PYTEST_ARGS);
  const jest = run(join('node_modules', '.bin', 'jest'), jestArgs);
  const failed = [];
  if (pytest === PYTEST_NO_TESTS) failed.push(`pytest collected no test under ${TRAINER}`);
  else if (pytest !== 0) failed.push(`pytest failed (exit ${pytest})`);
  if (jest !== 0) failed.push(`jest failed (exit ${jest})`);
  return failed;
}

function main(argv, env) {
  const [mode, ...rest] = argv;
  const dryRun = env.RSTAR_SETUP_DRY_RUN === '1';
  const run = makeRunner(dryRun);
  try {
    if (mode !== 'setup' && mode !== 'test') {
      throw new SetupError(`usage: node scripts/test-env.js setup | test [jest args...]`);
    }
    setup(run, env, dryRun);
    if (mode === 'setup' || dryRun) return 0;
    const failed = test(run, rest);
    if (failed.length === 0) return 0;
    say(failed.join('; '));
    return 1;
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    say(err.message);
    return 1;
  }
}

module.exports = {
  hostPackages,
  missingPackages,
  installPlan,
  requirementsHash,
  venvState,
  VENV_COMMAND,
};

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.env);
}
