import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureHostPackages,
  HOST_PACKAGES_FILE,
  hostPackagesFor,
  HostPackagesMissingError,
} from './host-preflight';

/** A package list like scripts/host-packages.json, with packages no Debian has (never installed). */
function listFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'host-preflight-')), 'host-packages.json');
  writeFileSync(
    file,
    JSON.stringify({
      packages: [
        { name: 'dpkg', for: ['sandbox'], why: 'installed on every Debian' },
        { name: 'rstar-no-such-sandbox-pkg', for: ['sandbox'], why: 'never installed' },
        { name: 'rstar-no-such-redis-pkg', for: ['redis', 'tests'], why: 'never installed' },
        { name: 'rstar-no-such-test-pkg', for: ['tests'], why: 'never installed' },
      ],
    }),
  );
  return file;
}

/** Records apt-get's arguments instead of installing (a real install needs real packages). */
function recordingApt(status = 0): {
  calls: string[][];
  apt: (a: readonly string[]) => Promise<number>;
} {
  const calls: string[][] = [];
  return { calls, apt: (args) => Promise.resolve((calls.push([...args]), status)) };
}

describe('the demo host preflight', () => {
  it('reads the checkout list: the demo needs the sandbox packages and redis-server', () => {
    expect(hostPackagesFor(['sandbox', 'redis'], HOST_PACKAGES_FILE)).toEqual([
      'python3-sympy',
      'python3-numpy',
      'python3-seccomp',
      'redis-server',
    ]);
    expect(hostPackagesFor(['sandbox'], HOST_PACKAGES_FILE)).not.toContain('redis-server');
  });

  it('stops a non-root user at once with the exact apt-get command for the missing packages', async () => {
    const { calls, apt } = recordingApt();
    const run = ensureHostPackages({
      needs: ['sandbox', 'redis'],
      isRoot: false,
      apt,
      listFile: listFile(),
    });
    await expect(run).rejects.toThrow(HostPackagesMissingError);
    await expect(run).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      packages: ['rstar-no-such-sandbox-pkg', 'rstar-no-such-redis-pkg'],
      command:
        'sudo apt-get update && sudo apt-get install -y --no-install-recommends ' +
        'rstar-no-such-sandbox-pkg rstar-no-such-redis-pkg',
    });
    await expect(run).rejects.toThrow(
      /Install them, then run this again:\n {2}sudo apt-get update/,
    );
    expect(calls).toEqual([]);
  });

  it('as root, updates once and installs only the missing packages, non-interactively', async () => {
    const { calls, apt } = recordingApt();
    const notes: string[] = [];
    const installed = await ensureHostPackages({
      needs: ['sandbox'],
      isRoot: true,
      apt,
      listFile: listFile(),
      note: (line) => notes.push(line),
    });
    expect(installed).toEqual(['rstar-no-such-sandbox-pkg']);
    expect(calls).toEqual([
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', 'rstar-no-such-sandbox-pkg'],
    ]);
    expect(notes).toEqual(['installing missing Debian packages: rstar-no-such-sandbox-pkg']);
  });

  it('does nothing when every needed package is installed (redis-server not needed with REDIS_URL)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'host-preflight-')), 'host-packages.json');
    writeFileSync(
      file,
      JSON.stringify({
        packages: [
          { name: 'dpkg', for: ['sandbox'] },
          { name: 'rstar-no-such-redis-pkg', for: ['redis'] },
        ],
      }),
    );
    const { calls, apt } = recordingApt();
    await expect(
      ensureHostPackages({ needs: ['sandbox'], isRoot: false, apt, listFile: file }),
    ).resolves.toEqual([]);
    expect(calls).toEqual([]);
  });

  it('fails naming the apt-get command when an install fails', async () => {
    const { apt } = recordingApt(100);
    await expect(
      ensureHostPackages({ needs: ['sandbox'], isRoot: true, apt, listFile: listFile() }),
    ).rejects.toThrow(
      /apt-get update -qq failed \(exit 100\); the demo needs: rstar-no-such-sandbox-pkg/,
    );
  });
});
