#!/usr/bin/env node
'use strict';
// A real llama.cpp `llama-server` for the inference contract suite (tests/src/inference), built
// from pinned source, CPU only, offline, and cached outside the checkout so only the first run
// pays for the build.
//
//   node scripts/llama-server.js build    builds it unless the cache holds it (test-env.js setup)
//   node scripts/llama-server.js where    prints the cached install as JSON, or fails saying why
//
// The source is the llama.cpp that the npm package node-llama-cpp bundles (a git bundle inside
// its tarball, llama/gitRelease.bundle; the build reports version 0.4.0-dev). `npm pack` fetches
// the tarball through npm's own client and cache; its sha512 is checked against the pin, and the
// bundle's commit against the pinned commit. Nothing is installed into node_modules.
//
// Only the `llama-server` target is built: no CURL, no OpenSSL, no web UI (neither the prebuilt
// download nor a node build), no OpenMP, GGML_NATIVE off so one binary runs on any x86-64 of the
// same kind. The cache directory is
//   ${RSTAR_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/rstar-fleet}/llama-server/<key>/
// where <key> hashes the pin and the flags (a new pin builds anew beside the old one). It holds
// bin/llama-server, gguf-py/ (the same source's GGUF writer, for scripts/write-tiny-gguf.py) and
// install.json, written last: a directory without it is an interrupted build and is redone.

const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { availableParallelism, homedir } = require('node:os');
const { join } = require('node:path');

const PIN = Object.freeze({
  package: 'node-llama-cpp',
  version: '3.21.1',
  integrity:
    'sha512-E3N0Ev2Va0wzydvXYFwM9Hvyo07PoWjt8T/9GMc43Cvt8YkV/NU/tYUgEMC1grTPv2o9PRjQi0G3Wb5P/awiMg==',
  /** HEAD of llama/gitRelease.bundle (llama.cpp tag v0.4.0 as node-llama-cpp squashed it). */
  commit: '80fb11ac73e66d89eae2c6a91d8a77428fa733ed',
});

const CMAKE_FLAGS = Object.freeze([
  '-DCMAKE_BUILD_TYPE=Release',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DGGML_NATIVE=OFF',
  '-DGGML_OPENMP=OFF',
  '-DGGML_CCACHE=OFF',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_APP=OFF',
  '-DLLAMA_BUILD_TOOLS=ON',
  '-DLLAMA_BUILD_SERVER=ON',
]);

/** The tools the build needs, by the Debian package that has them (scripts/host-packages.json). */
const TOOLS = Object.freeze({ git: 'git', cmake: 'cmake', 'c++': 'g++', ninja: 'ninja-build' });
/** Generous bounds: npm pack downloads ~35 MB; the build takes minutes on 2 cores. */
const PACK_DEADLINE_MS = 10 * 60_000;
const BUILD_DEADLINE_MS = 60 * 60_000;
const STEP_DEADLINE_MS = 5 * 60_000;

class LlamaServerError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'LlamaServerError';
  }
}

function cacheKey() {
  return createHash('sha256')
    .update(JSON.stringify({ pin: PIN, flags: CMAKE_FLAGS }))
    .digest('hex')
    .slice(0, 16);
}

/** Where this pin's build lives (it may not exist yet). */
function installDir(env = process.env) {
  const root =
    env.RSTAR_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rstar-fleet');
  return join(root, 'llama-server', `${PIN.version}-${cacheKey()}`);
}

/**
 * The cached install: `{dir, bin, ggufPy, version, commit, buildSeconds}`, or null when this pin
 * has not been built (or its build was interrupted).
 */
function findInstall(env = process.env) {
  const dir = installDir(env);
  const manifest = join(dir, 'install.json');
  if (!existsSync(manifest)) return null;
  const info = JSON.parse(readFileSync(manifest, 'utf8'));
  return { dir, bin: join(dir, 'bin', 'llama-server'), ggufPy: join(dir, 'gguf-py'), ...info };
}

/** The cached install, or an error that says how to get it. */
function requireInstall(env = process.env) {
  const found = findInstall(env);
  if (found !== null) return found;
  throw new LlamaServerError(
    `no llama-server build of ${PIN.package}@${PIN.version} in ${installDir(env)}: ` +
      `run \`node scripts/test-env.js setup\` (or \`node scripts/llama-server.js build\`) first`,
  );
}

/**
 * Runs a command; with `capture`, returns its stdout and stderr together (and puts their tail in
 * the error when it fails), else lets it print.
 */
function run(command, args, options = {}) {
  const child = spawnSync(command, args, {
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
    cwd: options.cwd,
    timeout: options.timeoutMs ?? STEP_DEADLINE_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const shown = [command, ...args].join(' ');
  if (child.error !== undefined) {
    throw new LlamaServerError(`${shown}: ${child.error.message}`, { cause: child.error });
  }
  const output = `${child.stdout ?? ''}${child.stderr ?? ''}`;
  if (child.status !== 0) {
    const tail = output.trim().split('\n').slice(-20).join('\n');
    throw new LlamaServerError(
      `failed (exit ${child.status ?? child.signal}): ${shown}${tail === '' ? '' : `\n${tail}`}`,
    );
  }
  return output;
}

function checkTools() {
  const missing = Object.entries(TOOLS)
    .filter(([tool]) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
    .map(([tool, pkg]) => `${tool} (Debian: ${pkg})`);
  if (missing.length > 0) {
    throw new LlamaServerError(`building llama-server needs ${missing.join(', ')}`);
  }
}

/** The tarball, fetched by npm into `into` and checked against the pinned sha512. */
function packTarball(into) {
  const spec = `${PIN.package}@${PIN.version}`;
  run('npm', ['pack', spec, '--pack-destination', into, '--silent'], {
    capture: true,
    cwd: into,
    timeoutMs: PACK_DEADLINE_MS,
  });
  const tarball = readdirSync(into).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new LlamaServerError(`npm pack ${spec} wrote no tarball`);
  const path = join(into, tarball);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(path)).digest('base64')}`;
  if (integrity !== PIN.integrity) {
    throw new LlamaServerError(`${spec} tarball has ${integrity}, expected ${PIN.integrity}`);
  }
  return path;
}

/** Builds into a scratch directory, then moves the result into the cache in one rename. */
function build(env = process.env, log = (line) => process.stderr.write(`llama-server: ${line}\n`)) {
  const existing = findInstall(env);
  if (existing !== null) return existing;
  checkTools();
  const dir = installDir(env);
  mkdirSync(join(dir, '..'), { recursive: true });
  const scratch = mkdtempSync(join(dir, '..', '.build-'));
  const started = Date.now();
  try {
    log(
      `building ${PIN.package}@${PIN.version}'s llama.cpp (first run only: minutes) in ${scratch}`,
    );
    const tarball = packTarball(scratch);
    run('tar', ['-xzf', tarball, '-C', scratch, 'package/llama/gitRelease.bundle']);
    const src = join(scratch, 'llama.cpp');
    run('git', [
      '-c',
      'advice.detachedHead=false',
      'clone',
      '--quiet',
      join(scratch, 'package/llama/gitRelease.bundle'),
      src,
    ]);
    const head = run('git', ['-C', src, 'rev-parse', 'HEAD'], { capture: true }).trim();
    if (head !== PIN.commit) {
      throw new LlamaServerError(`the bundled llama.cpp is at ${head}, expected ${PIN.commit}`);
    }
    const out = join(src, 'build');
    run('cmake', ['-S', src, '-B', out, '-G', 'Ninja', ...CMAKE_FLAGS], { capture: true });
    const jobs = String(Math.max(1, availableParallelism()));
    run('cmake', ['--build', out, '--target', 'llama-server', '-j', jobs], {
      timeoutMs: BUILD_DEADLINE_MS,
    });
    const bin = join(out, 'bin', 'llama-server');
    // "version: 0.4.0-dev (build 1, commit 80fb11a)" on stderr.
    const version = /version: (\S+)/.exec(run(bin, ['--version'], { capture: true }))?.[1];
    if (version === undefined) throw new LlamaServerError(`${bin} --version printed no version`);
    const stage = join(scratch, 'install');
    mkdirSync(join(stage, 'bin'), { recursive: true });
    cpSync(bin, join(stage, 'bin', 'llama-server'));
    cpSync(join(src, 'gguf-py'), join(stage, 'gguf-py'), { recursive: true });
    const buildSeconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(
      join(stage, 'install.json'),
      `${JSON.stringify({ pin: PIN, flags: CMAKE_FLAGS, version, buildSeconds }, null, 2)}\n`,
    );
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(stage, dir);
    } catch (err) {
      // Another build of the same pin (a second checkout's set-up) finished first: use it.
      const other = findInstall(env);
      if (other !== null) return other;
      throw new LlamaServerError(`cannot move the build into ${dir}: ${err.message}`, {
        cause: err,
      });
    }
    log(`built in ${buildSeconds} s: ${join(dir, 'bin', 'llama-server')}`);
    return requireInstall(env);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

module.exports = {
  PIN,
  CMAKE_FLAGS,
  LlamaServerError,
  installDir,
  findInstall,
  requireInstall,
  build,
};

if (require.main === module) {
  const mode = process.argv[2];
  try {
    if (mode === 'build') build();
    else if (mode === 'where') process.stdout.write(`${JSON.stringify(requireInstall())}\n`);
    else throw new LlamaServerError('usage: node scripts/llama-server.js build | where');
  } catch (err) {
    if (!(err instanceof LlamaServerError)) throw err;
    process.stderr.write(`llama-server: ${err.message}\n`);
    process.exitCode = 1;
  }
}
