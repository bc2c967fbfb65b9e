import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WorkerService } from '@rstar-fleet/cli';
import { jsonLine } from '@rstar-fleet/local-fleet';
import type { DependencyHealth } from '@rstar-fleet/protocol';
import {
  activeShards,
  cliScript,
  resultLineCount,
  startFleet,
  waitFor,
  type TestFleet,
} from './harness';

/**
 * DESIGN §8 "no outage is silent", through the whole fleet (every service a separate process):
 * a dependency a worker cannot reach shows within seconds in `rstar-fleet status`, in the
 * worker's metrics and in its readiness, and clears when it comes back; a worker whose Redis is
 * gone still stops promptly on SIGTERM.
 */

jest.setTimeout(240_000);
const execFileAsync = promisify(execFile);

let fleet: TestFleet | null = null;
afterEach(async () => {
  await fleet?.teardown();
  fleet = null;
});

/** Long enough a round that the simulator can be stopped while it searches. */
const SLOW_ROUND = [{ rollouts: 16, candidates: 3 }];

async function readyz(worker: WorkerService): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${worker.info.httpPort}/readyz`, {
    signal: AbortSignal.timeout(5_000),
  });
  return res.status;
}

/** The worker's `rstar_worker_dependency_up` sample for one dependency, or null without one. */
async function dependencyUp(
  worker: WorkerService,
  dependency: string,
  endpoint: string,
): Promise<number | null> {
  const res = await fetch(`http://127.0.0.1:${worker.info.httpPort}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  for (const line of text.split('\n')) {
    if (!line.startsWith('rstar_worker_dependency_up{')) continue;
    if (line.includes(`dependency="${dependency}"`) && line.includes(`endpoint="${endpoint}"`)) {
      return Number(line.split(' ').at(-1));
    }
  }
  return null;
}

/** The policy dependency of each worker in `status --json`, by worker name. */
async function policyHealth(
  f: TestFleet,
  endpoint: string,
): Promise<Map<string, DependencyHealth>> {
  const status = await f.status();
  const byWorker = new Map<string, DependencyHealth>();
  for (const w of status.workers) {
    const d = w.dependencies.find((x) => x.dependency === 'policy' && x.endpoint === endpoint);
    if (d !== undefined) byWorker.set(w.worker, d);
  }
  return byWorker;
}

describe('dependency health (separate processes)', () => {
  it('shows the simulator down mid-round within 10 s in status, metrics and /readyz, then healthy again', async () => {
    fleet = await startFleet({
      problems: 24,
      rounds: 1,
      shardSize: 3,
      budgets: SLOW_ROUND,
      // One problem at a time per shard: the round outlasts the checks below even on a busy machine.
      worker: { problemsInFlight: 1 },
    });
    const f = fleet;
    const endpoint = new URL(f.simUrl).host; // the plan names the endpoint by its host:port
    const orch = await f.startOrchestrator();
    const names = f.workers.map((w) => w.name);
    // Both workers are searching round 1 (so both know its endpoints) and report them up.
    await waitFor(
      () => f.workers.every((w) => activeShards(w).length > 0),
      120_000,
      'both workers searching round 1',
    );
    await waitFor(
      async () => {
        const health = await policyHealth(f, endpoint);
        return names.every((n) => health.get(n)?.up === true);
      },
      60_000,
      'both workers reporting the policy endpoint up',
    );
    // Still searching: some shard of the 8 lacks results.
    const shards = Array.from({ length: 8 }, (_, s) => s);
    expect(shards.some((s) => resultLineCount(f.runDir, 1, s) < 3)).toBe(true);
    for (const w of f.workers) {
      expect(await readyz(w)).toBe(200);
      expect(await dependencyUp(w, 'policy', endpoint)).toBe(1);
      expect(await dependencyUp(w, 'sandbox', f.sandbox.address)).toBe(1);
    }

    await f.stopSimulator();
    await waitFor(
      async () => {
        const health = await policyHealth(f, endpoint);
        return names.every((n) => health.get(n)?.up === false);
      },
      10_000,
      'status --json showing the policy endpoint down for every worker',
    );
    const down = await policyHealth(f, endpoint);
    for (const name of names) {
      const d = down.get(name);
      expect(d).toMatchObject({ dependency: 'policy', endpoint, up: false, code: 'ECONNREFUSED' });
      expect(d?.error).toContain(`${f.simUrl}/health`);
    }
    for (const w of f.workers) {
      await waitFor(async () => (await readyz(w)) === 503, 10_000, `${w.name} /readyz 503`);
      expect(await dependencyUp(w, 'policy', endpoint)).toBe(0);
      expect(await dependencyUp(w, 'sandbox', f.sandbox.address)).toBe(1);
      // The log says which dependency, where and why.
      const logged = w.logs
        .map((l) => jsonLine(l))
        .find((e) => e?.msg === 'dependency unavailable' && e.dependency === 'policy');
      expect(logged).toMatchObject({ endpoint, code: 'ECONNREFUSED' });
    }
    // The text form lists what is down, per worker.
    const { stdout } = await execFileAsync(
      process.execPath,
      [cliScript, 'status', '--plan', f.planPath, '--run', f.run],
      { cwd: f.dir, timeout: 30_000 },
    );
    for (const name of names) {
      expect(stdout).toMatch(
        new RegExp(`DOWN +${name}: policy ${endpoint.replace(/\./g, '\\.')} since .*ECONNREFUSED`),
      );
    }
    expect(stdout).toContain('NOT READY');

    await f.startSimulator();
    await waitFor(
      async () => {
        const health = await policyHealth(f, endpoint);
        return names.every((n) => health.get(n)?.up === true);
      },
      10_000,
      'status --json showing the policy endpoint up again',
    );
    for (const w of f.workers) {
      await waitFor(async () => (await readyz(w)) === 200, 10_000, `${w.name} /readyz 200`);
      expect(await dependencyUp(w, 'policy', endpoint)).toBe(1);
    }
    // And the round still finishes.
    expect(await orch.exited).toEqual({ code: 0, signal: null });
  });

  it('stops a worker whose Redis is gone within seconds of SIGTERM, not after grace + release + close', async () => {
    fleet = await startFleet({
      problems: 12,
      rounds: 1,
      workers: 1,
      privateRedis: true,
      budgets: SLOW_ROUND,
      // The default grace: the worker may not spend it waiting on jobs that cannot finish.
      worker: { graceMs: 30_000 },
    });
    const f = fleet;
    await f.startOrchestrator();
    const worker = f.workers[0];
    if (worker === undefined) throw new Error('no worker');
    await waitFor(() => activeShards(worker).length > 0, 120_000, 'the worker searching');

    const redisBack = f.restartRedis('SIGKILL', 30_000);
    try {
      await waitFor(async () => (await readyz(worker)) === 503, 10_000, 'worker /readyz 503');
      const started = Date.now();
      const exit = await worker.stop(60_000);
      const seconds = (Date.now() - started) / 1000;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(seconds).toBeLessThan(15);
      expect(worker.logs.some((l) => jsonLine(l)?.msg === 'worker stopped')).toBe(true);
    } finally {
      await redisBack;
    }
  });
});
