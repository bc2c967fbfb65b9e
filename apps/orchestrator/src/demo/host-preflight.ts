import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RstarError } from '@rstar-fleet/protocol';

/**
 * scripts/host-packages.json of this checkout (same depth from src/demo and dist/demo): the one
 * list of Debian packages rstar-fleet needs on the host, also read by scripts/test-env.js.
 */
export const HOST_PACKAGES_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'scripts',
  'host-packages.json',
);

/** Who needs a package (host-packages.json's `for`): the demo needs `sandbox`, and `redis` without REDIS_URL. */
export type HostNeed = 'sandbox' | 'redis' | 'tests';

/** apt-get gets this long per command (an update plus a few packages take well under it). */
const APT_DEADLINE_MS = 15 * 60_000;
const DPKG_QUERY_DEADLINE_MS = 30_000;

/** Debian packages the demo needs are missing and this process may not install them. */
export class HostPackagesMissingError extends RstarError {
  readonly packages: readonly string[];
  /** The exact command the user should run. */
  readonly command: string;

  constructor(packages: readonly string[]) {
    const list = packages.join(' ');
    const command = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${list}`;
    super(
      'FAILED_PRECONDITION',
      `missing Debian packages: ${list} (the sandbox runs Debian's /usr/bin/python3 with them; ` +
        `redis-server is needed without REDIS_URL). Install them, then run this again:\n  ${command}`,
    );
    this.packages = packages;
    this.command = command;
  }
}

/** Runs `apt-get ARGS` (as root, non-interactive); resolves to its exit status. */
export type AptRunner = (args: readonly string[]) => Promise<number>;

export interface HostPreflightOptions {
  needs: readonly HostNeed[];
  /** Whether this process may install packages itself (root). */
  isRoot: boolean;
  /** Runs apt-get; default {@link runAptGet}. */
  apt?: AptRunner;
  /** Default {@link HOST_PACKAGES_FILE}. */
  listFile?: string;
  /** One line per action taken (the demo writes them to stderr). */
  note?: (line: string) => void;
}

interface HostPackage {
  name: string;
  for: HostNeed[];
}

/** The packages of the list file that any of `needs` needs, in the file's order. */
export function hostPackagesFor(
  needs: readonly HostNeed[],
  listFile = HOST_PACKAGES_FILE,
): string[] {
  const { packages } = JSON.parse(readFileSync(listFile, 'utf8')) as { packages: HostPackage[] };
  return packages.filter((p) => p.for.some((n) => needs.includes(n))).map((p) => p.name);
}

/** The packages dpkg does not report as installed. */
export async function missingHostPackages(names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'dpkg-query',
      ['-W', '-f=${Package} ${Status}\\n', ...names],
      { timeout: DPKG_QUERY_DEADLINE_MS },
      (err, out) => {
        // Unknown packages make dpkg-query exit 1 with the known ones still on stdout.
        if (err !== null && typeof err.code !== 'number') {
          reject(
            new RstarError(
              'FAILED_PRECONDITION',
              `dpkg-query could not run (${err.message}): the demo checks Debian packages; ` +
                `on another system install the equivalents of: ${names.join(' ')}`,
              { cause: err },
            ),
          );
        } else resolve(out);
      },
    );
  });
  const installed = new Set(
    stdout
      .split('\n')
      .filter((line) => line.endsWith(' install ok installed'))
      .map((line) => (line.split(' ')[0] ?? '').split(':')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

/**
 * apt-get with its output on stderr (stdout is the demo's table), non-interactive, bounded. It
 * runs through `env` so it keeps this process's environment (proxies) and adds DEBIAN_FRONTEND.
 */
export const runAptGet: AptRunner = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], {
      stdio: ['ignore', 2, 2],
      timeout: APT_DEADLINE_MS,
      killSignal: 'SIGKILL',
    });
    child.once('error', (err) =>
      reject(
        new RstarError('FAILED_PRECONDITION', `apt-get ${args.join(' ')}: ${err.message}`, {
          cause: err,
        }),
      ),
    );
    child.once('close', (code) => resolve(code ?? 1));
  });

/**
 * Makes sure the Debian packages `needs` calls for are installed before the demo starts its
 * services: nothing to do when they are; as root, `apt-get update` once and a non-interactive
 * install of the missing ones; otherwise a {@link HostPackagesMissingError} with the exact command.
 * Resolves to the packages it installed.
 */
export async function ensureHostPackages(options: HostPreflightOptions): Promise<string[]> {
  const missing = await missingHostPackages(hostPackagesFor(options.needs, options.listFile));
  if (missing.length === 0) return [];
  if (!options.isRoot) throw new HostPackagesMissingError(missing);
  const apt = options.apt ?? runAptGet;
  options.note?.(`installing missing Debian packages: ${missing.join(' ')}`);
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
  ]) {
    const status = await apt(args);
    if (status !== 0) {
      throw new RstarError(
        'FAILED_PRECONDITION',
        `apt-get ${args.join(' ')} failed (exit ${status}); the demo needs: ${missing.join(' ')}`,
      );
    }
  }
  return missing;
}
