import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RstarError } from '@rstar-fleet/protocol';

/** This checkout's scripts/ (same depth from src/demo and dist/demo). */
const SCRIPTS_DIR = join(__dirname, '..', '..', '..', '..', 'scripts');

/**
 * scripts/host-packages.js: the one list of Debian packages rstar-fleet needs on the host and
 * the one way to check and install them, shared with scripts/test-env.js (which runs before
 * anything is built, hence plain CommonJS loaded at run time).
 */
interface HostPackagesModule {
  LIST_FILE: string;
  hostPackagesFor(needs: readonly HostNeed[] | undefined, listFile?: string): string[];
  missingHostPackages(names: readonly string[]): string[];
  sudoInstallCommand(missing: readonly string[]): string;
  aptInstallSteps(missing: readonly string[]): string[][];
}
/** Loaded on first use: every CLI command imports this file, only the demo needs scripts/. */
let loaded: HostPackagesModule | null = null;
function shared(): HostPackagesModule {
  loaded ??= createRequire(__filename)(join(SCRIPTS_DIR, 'host-packages.js')) as HostPackagesModule;
  return loaded;
}

/** scripts/host-packages.json of this checkout. */
export const HOST_PACKAGES_FILE = join(SCRIPTS_DIR, 'host-packages.json');

/** Who needs a package (host-packages.json's `for`): the demo needs `sandbox`, and `redis` without REDIS_URL. */
export type HostNeed = 'sandbox' | 'redis' | 'tests';

/** apt-get gets this long per command (an update plus a few packages take well under it). */
const APT_DEADLINE_MS = 15 * 60_000;

/** Debian packages the demo needs are missing and this process may not install them. */
export class HostPackagesMissingError extends RstarError {
  readonly packages: readonly string[];
  /** The exact command the user should run. */
  readonly command: string;

  constructor(packages: readonly string[]) {
    const list = packages.join(' ');
    const command = shared().sudoInstallCommand(packages);
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

/** The packages `needs` calls for, from the list file. */
export function hostPackagesFor(
  needs: readonly HostNeed[],
  listFile = HOST_PACKAGES_FILE,
): string[] {
  return shared().hostPackagesFor(needs, listFile);
}

/** The packages dpkg does not report as installed. */
export function missingHostPackages(names: readonly string[]): string[] {
  try {
    return shared().missingHostPackages(names);
  } catch (cause) {
    throw new RstarError('FAILED_PRECONDITION', (cause as Error).message, { cause });
  }
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
  const missing = missingHostPackages(hostPackagesFor(options.needs, options.listFile));
  if (missing.length === 0) return [];
  if (!options.isRoot) throw new HostPackagesMissingError(missing);
  const apt = options.apt ?? runAptGet;
  options.note?.(`installing missing Debian packages: ${missing.join(' ')}`);
  for (const args of shared().aptInstallSteps(missing)) {
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
