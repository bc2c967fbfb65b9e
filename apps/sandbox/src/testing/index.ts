import { randomInt } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import pino from 'pino';
import { parseSandboxConfig, type SandboxConfig, type SandboxConfigInput } from '../config';

/**
 * A fresh uid range for a test server: random, so suites running side by side (or two checkouts
 * testing at once) practically never share one; if they do, the slot locks fail loudly.
 */
export function testUidBase(): number {
  return 62_000 + randomInt(0, 4_000) * 8;
}

export const silentLog = pino({ level: 'silent' });

export function testConfig(input: SandboxConfigInput = {}): SandboxConfig {
  return parseSandboxConfig({
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    workers: 1,
    uidBase: testUidBase(),
    startTimeoutMs: 30_000,
    ...input,
  });
}

/** Direct children of `pid` (Linux). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** PIDs of processes whose real uid is in [lo, hi]: executions left behind. */
export function processesOfUids(lo: number, hi: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (uid >= lo && uid <= hi) found.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return found;
}
