import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { synthRecord, type ProblemRecord } from '@rstar-fleet/corpus';
import type { SearchRecord } from '@rstar-fleet/protocol';
import type { BenchResult } from './bench-result';
import { intFlag, intListFlag, type BenchFlags } from './bench-flags';
import {
  readRecords,
  shardQueue,
  startCluster,
  writeRound,
  type Cluster,
  type SearchSettings,
  type WorkerSettings,
} from './fleet-cluster';
import { searchInProcess, type InProcessRun } from './fleet-inprocess';
import type { ServiceProcess } from './fleet-procs';

/**
 * Fleet overhead: expansions per second through the whole fleet (private Redis, gRPC sandbox
 * process, HTTP simulator process at zero latency, `rstar-fleet worker` processes consuming shard
 * jobs) versus the same engine with in-process simulator ports on the same problems and budgets,
 * in the same run. Also CPU seconds per rollout of each fleet process.
 */
export const FLEET_OVERHEAD_FLAGS: Record<string, string> = {
  problems: 'problems searched per configuration (default 96)',
  rollouts: 'MCTS rollouts per tree (default 16)',
  candidates: 'candidates per expansion (default 8)',
  workers: 'worker process counts to measure, comma-separated (default 1,2)',
  'shard-size': 'problems per shard job (default 8)',
  'problems-in-flight': 'worker --problems-in-flight (default 64)',
  'tree-concurrency': 'worker --tree-concurrency (default 4)',
  concurrency: 'worker --concurrency, shard jobs at once per worker (default 2)',
  'sandbox-workers': 'sandbox fork-servers (default: cores)',
};

export function synthProblems(count: number, seed: number, offset = 0): ProblemRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const r = synthRecord(seed, offset + i);
    return {
      id: r.id,
      problem: r.problem,
      answer: r.answer,
      source: r.source,
      meta: { difficulty: r.difficulty },
    };
  });
}

interface FleetRun {
  wallSeconds: number;
  records: SearchRecord[];
  cpu: { workers: number; sandbox: number; sim: number };
}

async function runThroughFleet(
  cluster: Cluster,
  workers: readonly ServiceProcess[],
  run: string,
  problems: readonly ProblemRecord[],
  shardSize: number,
  search: SearchSettings,
): Promise<FleetRun> {
  const jobs = await writeRound(cluster, run, problems, shardSize, search);
  const queue = shardQueue(cluster);
  try {
    const cpu0 = cpuOf(cluster, workers);
    const start = performance.now();
    await queue.enqueue(jobs);
    await queue.waitAll(jobs);
    const wallSeconds = (performance.now() - start) / 1000;
    const cpu1 = cpuOf(cluster, workers);
    return {
      wallSeconds,
      records: await readRecords(cluster, jobs),
      cpu: {
        workers: cpu1.workers - cpu0.workers,
        sandbox: cpu1.sandbox - cpu0.sandbox,
        sim: cpu1.sim - cpu0.sim,
      },
    };
  } finally {
    await queue.close();
  }
}

function cpuOf(
  cluster: Cluster,
  workers: readonly ServiceProcess[],
): { workers: number; sandbox: number; sim: number } {
  return {
    workers: workers.reduce((sum, w) => sum + w.cpuSeconds(), 0),
    sandbox: cluster.sandbox.cpuSeconds(),
    sim: cluster.sim.cpuSeconds(),
  };
}

function sum(records: readonly SearchRecord[], pick: (r: SearchRecord) => number): number {
  return records.reduce((acc, r) => acc + pick(r), 0);
}

export async function benchFleetOverhead(flags: BenchFlags = {}): Promise<BenchResult> {
  const cores = availableParallelism();
  const count = intFlag(flags, 'problems', 96);
  const workerCounts = intListFlag(flags, 'workers', [1, 2]);
  const shardSize = intFlag(flags, 'shard-size', 8);
  const settings: WorkerSettings = {
    concurrency: intFlag(flags, 'concurrency', 2),
    problemsInFlight: intFlag(flags, 'problems-in-flight', 64),
    treeConcurrency: intFlag(flags, 'tree-concurrency', 4),
  };
  const search: SearchSettings = {
    rollouts: intFlag(flags, 'rollouts', 16),
    candidates: intFlag(flags, 'candidates', 8),
    maxDepth: 16,
    c: 2,
    qRule: 'terminal',
    seed: 7,
    maxTokens: 1024,
    temperature: 0.7,
  };
  const problems = synthProblems(count, 11);
  const warmup = synthProblems(Math.min(16, count), 11, 1_000_000);

  // The baseline: the same engine, ports in process, measured while no fleet process exists,
  // before and after the fleet runs; the best run counts (it takes seconds, and a shared
  // machine's load moves in between).
  let base: InProcessRun | undefined;
  const baseline = async (runs: number): Promise<void> => {
    for (let i = 0; i < runs; i++) {
      const r = await searchInProcess(
        problems,
        search,
        settings.problemsInFlight,
        settings.treeConcurrency,
      );
      if (base === undefined || r.wallSeconds < base.wallSeconds) base = r;
    }
  };
  await searchInProcess(warmup, search, settings.problemsInFlight, settings.treeConcurrency);
  await baseline(3);

  const fleets: Array<{ workers: number; run: FleetRun }> = [];
  const cluster = await startCluster({
    sandboxWorkers: intFlag(flags, 'sandbox-workers', cores),
    // Zero latency and no batch limit: the simulator answers as fast as it computes.
    sim: { ttftMs: 0, perTokenMs: 0, maxNumSeqs: 1_000_000 },
  });
  try {
    for (const k of workerCounts) {
      const workers = await cluster.startWorkers(k, settings);
      try {
        // Warm-up shard (connections, JIT, fork-server imports), not measured.
        await runThroughFleet(cluster, workers, `warm-${k}`, warmup, shardSize, search);
        const run = await runThroughFleet(
          cluster,
          workers,
          `overhead-${k}`,
          problems,
          shardSize,
          search,
        );
        if (run.records.length !== problems.length) {
          throw new Error(
            `${k} workers: ${run.records.length} records for ${problems.length} problems`,
          );
        }
        fleets.push({ workers: k, run });
      } finally {
        await Promise.allSettled(workers.map((w) => w.stop()));
      }
    }
  } finally {
    await cluster.stop();
  }
  await baseline(2);
  if (base === undefined) throw new Error('no baseline');

  const metrics: Record<string, number> = {};
  const baseRate = base.expansions / base.wallSeconds;
  const baseCpuPerRollout = base.cpuSeconds / base.rollouts;
  metrics['in-process: expansions'] = base.expansions;
  metrics['in-process: rollouts'] = base.rollouts;
  metrics['in-process: expansions per s'] = baseRate;
  metrics['in-process: CPU ms per rollout'] = 1000 * baseCpuPerRollout;
  metrics['in-process: solved share'] = base.solved / base.problems;
  for (const { workers: k, run } of fleets) {
    const expansions = sum(run.records, (r) => r.stats.expansions);
    const rollouts = sum(run.records, (r) => r.stats.rollouts);
    const rate = expansions / run.wallSeconds;
    const key = `fleet, ${k} worker${k === 1 ? '' : 's'}`;
    const perRollout = (seconds: number): number => seconds / rollouts;
    metrics[`${key}: expansions`] = expansions;
    metrics[`${key}: expansions per s`] = rate;
    metrics[`${key}: ratio to in-process (expansions/s)`] = rate / baseRate;
    metrics[`${key}: worker CPU ms per rollout`] = 1000 * perRollout(run.cpu.workers);
    metrics[`${key}: sandbox CPU ms per rollout`] = 1000 * perRollout(run.cpu.sandbox);
    metrics[`${key}: simulator CPU ms per rollout`] = 1000 * perRollout(run.cpu.sim);
    // CPU ratios do not move with the machine's load as wall-time ratios do. The second one is
    // the fleet's own overhead without the cost of real Python.
    metrics[`${key}: all fleet CPU ÷ in-process CPU, per rollout`] =
      perRollout(run.cpu.workers + run.cpu.sandbox + run.cpu.sim) / baseCpuPerRollout;
    metrics[`${key}: (worker + simulator CPU) ÷ in-process CPU, per rollout`] =
      perRollout(run.cpu.workers + run.cpu.sim) / baseCpuPerRollout;
    metrics[`${key}: sandbox executions per expansion`] =
      sum(run.records, (r) => r.stats.executions) / expansions;
    metrics[`${key}: solved share`] =
      run.records.filter((r) => r.stats.solved).length / problems.length;
  }
  return {
    name: 'fleet-overhead',
    description:
      'Expansions/s through the whole fleet (Redis, gRPC sandbox, HTTP simulator at zero latency, ' +
      'worker processes) vs the same engine with in-process simulator ports, same problems and ' +
      'budgets, same run; CPU per rollout of each fleet process.',
    metrics,
    notes: [
      `${cores} cores; ${count} synthetic problems, ${search.rollouts} rollouts × ${search.candidates} candidates, terminal Q, shards of ${shardSize}`,
      `worker --concurrency ${settings.concurrency} --problems-in-flight ${settings.problemsInFlight} --tree-concurrency ${settings.treeConcurrency}`,
      "in-process ports run the steps' code in a TypeScript interpreter (mini-python); the fleet runs real CPython in the sandbox",
      'every fleet process shares the same cores: the ratio includes their contention (sandbox, simulator, Redis, workers)',
      'in-process baseline: best of 3 runs before and 2 after the fleet; CPU from /proc (process trees)',
      'simulated models (SIMULATOR), not model results',
    ],
  };
}
