/**
 * scripts/test-env.js, the README's test command's set-up, run as a real process in its dry-run
 * mode (it prints each command instead of running it) on a copy of the checkout's scripts/:
 * packages no Debian has stand for the missing ones of a fresh machine (this machine has the real
 * ones, and nobody can uninstall them to try), and a fake apps/trainer stands for the trainer.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SCRIPTS = join(__dirname, '..', '..', '..', 'scripts');
const NOBODY = 65534;
const AGREED_VENV_COMMAND =
  'python3 -m venv apps/trainer/.venv && apps/trainer/.venv/bin/pip install -r apps/trainer/requirements.txt' +
  ' && apps/trainer/.venv/bin/pip install --no-deps -e apps/trainer';

/** Where a checkout's llama-server cache is (RSTAR_CACHE_DIR), and its build manifest. */
function llamaServerManifest(root: string): string {
  const { installDir } = createRequire(__filename)(join(root, 'scripts', 'llama-server.js')) as {
    installDir: (env: Record<string, string>) => string;
  };
  return join(installDir({ RSTAR_CACHE_DIR: join(root, 'cache') }), 'install.json');
}

/**
 * A checkout with scripts/, node_modules already installed, a trainer project and a cached
 * llama-server build (its own cache, so the host's does not matter).
 */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'test-env-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'scripts'));
  for (const file of ['test-env.js', 'host-packages.js', 'host-packages.json', 'llama-server.js']) {
    copyFileSync(join(SCRIPTS, file), join(root, 'scripts', file));
  }
  const manifest = llamaServerManifest(root);
  mkdirSync(dirname(manifest), { recursive: true });
  writeFileSync(manifest, '{"version": "0.4.0-dev"}\n');
  mkdirSync(join(root, 'node_modules'));
  writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{}');
  mkdirSync(join(root, 'apps', 'trainer'), { recursive: true });
  writeFileSync(join(root, 'apps', 'trainer', 'requirements.txt'), 'torch==2.13.0\n');
  writeFileSync(join(root, 'apps', 'trainer', 'pyproject.toml'), '[project]\nname = "x"\n');
  return root;
}

/** A venv that looks made from the checkout's current requirements. */
function freshVenv(root: string): void {
  const { requirementsHash } = createRequire(__filename)(join(root, 'scripts', 'test-env.js')) as {
    requirementsHash: (root: string) => string;
  };
  mkdirSync(join(root, 'apps', 'trainer', '.venv', 'bin'), { recursive: true });
  writeFileSync(join(root, 'apps', 'trainer', '.venv', 'bin', 'python'), '');
  writeFileSync(
    join(root, 'apps', 'trainer', '.venv', '.rstar-requirements.sha256'),
    `${requirementsHash(root)}\n`,
  );
}

function setup(
  root: string,
  packages: string,
  uid?: number,
): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [join(root, 'scripts', 'test-env.js'), 'setup'], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      RSTAR_SETUP_DRY_RUN: '1',
      RSTAR_SETUP_PACKAGES: packages,
      RSTAR_CACHE_DIR: join(root, 'cache'),
    },
    ...(uid === undefined ? {} : { uid, gid: uid }),
    timeout: 60_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('scripts/test-env.js setup', () => {
  it('as root, runs apt-get update once and installs only the missing packages', () => {
    const root = checkout();
    freshVenv(root);
    const out = setup(root, 'dpkg,rstar-no-such-pkg-a,rstar-no-such-pkg-b');
    expect(out.stderr).toContain(
      'installing missing Debian packages: rstar-no-such-pkg-a rstar-no-such-pkg-b',
    );
    expect(out.stdout).toBe(
      'would run: apt-get update -qq\n' +
        'would run: apt-get install -y -qq --no-install-recommends rstar-no-such-pkg-a rstar-no-such-pkg-b\n',
    );
    expect(out.status).toBe(0);
  });

  it('not as root, stops at once with the exact sudo apt-get command', () => {
    const root = checkout();
    freshVenv(root);
    const out = setup(root, 'dpkg,rstar-no-such-pkg-a', NOBODY);
    expect(out.stderr).toContain(
      'missing Debian packages: rstar-no-such-pkg-a. Install them, then run this again:\n' +
        '  sudo apt-get update && sudo apt-get install -y --no-install-recommends rstar-no-such-pkg-a\n',
    );
    expect(out.stdout).toBe(''); // nothing installed, no venv started
    expect(out.status).toBe(1);
  });

  it('checks the checkout list: every package of scripts/host-packages.json, none missing here', () => {
    const root = checkout();
    freshVenv(root);
    const out = setup(root, '');
    expect(out.stdout).toBe('');
    expect(out.status).toBe(0);
  });

  it('makes the venv with the agreed command when missing, reuses it, remakes it when requirements change', () => {
    const root = checkout();
    const missing = setup(root, 'dpkg');
    expect(missing.stdout).toBe(`would run: ${AGREED_VENV_COMMAND}\n`);
    expect(missing.stderr).toContain("creating the trainer's venv apps/trainer/.venv");
    expect(missing.status).toBe(0);

    freshVenv(root);
    const reused = setup(root, 'dpkg');
    expect(reused.stdout).toBe('');
    expect(reused.status).toBe(0);

    writeFileSync(
      join(root, 'apps', 'trainer', 'requirements.txt'),
      'torch==2.13.0\npytest==8.4.2\n',
    );
    const stale = setup(root, 'dpkg');
    expect(stale.stdout).toBe(`would run: ${AGREED_VENV_COMMAND}\n`);
    expect(stale.stderr).toContain('changed: remaking apps/trainer/.venv');
  });

  it('installs node_modules with npm ci when they are missing', () => {
    const root = checkout();
    freshVenv(root);
    writeFileSync(join(root, 'package.json'), '{}');
    rmSync(join(root, 'node_modules'), { recursive: true });
    const out = setup(root, 'dpkg');
    expect(out.stdout).toBe('would run: npm ci --no-audit --no-fund\n');
    expect(out.status).toBe(0);
  });

  it("builds llama-server when its cache lacks this pin's build, and reuses the build", () => {
    const root = checkout();
    freshVenv(root);
    const reused = setup(root, 'dpkg');
    expect(reused.stdout).toBe('');
    rmSync(llamaServerManifest(root));
    const missing = setup(root, 'dpkg');
    expect(missing.stdout).toBe(`would run: ${process.execPath} scripts/llama-server.js build\n`);
    expect(missing.stderr).toContain(`into ${dirname(llamaServerManifest(root))}`);
    expect(missing.status).toBe(0);
  });
});
