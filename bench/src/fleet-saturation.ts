import { availableParallelism } from 'node:os';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { ProblemRecord } from '@rstar-fleet/corpus';
import type { BenchResult } from './bench-result';
import { intFlag, numberFlag, type BenchFlags } from './bench-flags';
import {
  shardQueue,
  startCluster,
  writeRound,
  type Cluster,
  type SearchSettings,
  type WorkerSettings,
} from './fleet-cluster';
import { synthProblems } from './fleet-overhead';
import { simServerFlags, simServerFromFlags, type SimServerDefaults } from './sim-server-flags';
import {
  awaitSimIdle,
  measureWindow,
  windowMetrics,
  type SimClock,
  type SteadyWindow,
} from './sim-window';

const DEFAULT_CONFIGS = '1:1:16:1,1:2:64:4,2:2:64:4,4:2:64:4,8:1:64:2';
// A 512-sequence server in real time: search is light enough per sequence for two cores to feed it.
const SERVER: SimServerDefaults = { maxNumSeqs: 512, timeScale: 1 };

/**
 * Saturation: the simulator emulates a GPU server (at most `maxNumSeqs` sequences decode at once,
 * TTFT + per-token time per request, FIFO queue beyond), the workers search shard jobs against
 * it, and the benchmark measures the fraction of the server's capacity they keep busy over a
 * steady window: Δ∫running ÷ Δ∫maxNumSeqs from the simulator's exact integrals
 * (`rstar_sim_busy_sequence_seconds_total` / `…capacity…`), for several worker settings.
 */
export const FLEET_SATURATION_FLAGS: Record<string, string> = {
  configs:
    'worker settings to measure: WORKERS:JOBS:PROBLEMS_IN_FLIGHT:TREE_CONCURRENCY, comma-separated ' +
    `(default ${DEFAULT_CONFIGS})`,
  ...simServerFlags(SERVER),
  candidates: 'candidates per expansion = sequences per policy request (default 8)',
  rollouts: 'MCTS rollouts per tree (default 16)',
  'max-tokens': 'max tokens per step (sampling.maxTokens; default 1024)',
  'warmup-s': 'seconds after the jobs are enqueued before the window starts (default 10)',
  'window-s': 'seconds of the measured steady window (default 30)',
  problems: 'problems enqueued per configuration; must outlast the window (default 2048)',
  'shard-size': 'problems per shard job (default 128)',
  'sandbox-workers': 'sandbox fork-servers (default: cores)',
  'worker-args':
    "more `rstar-fleet worker` arguments for every worker, space-separated: --worker-args='--x=1 --y=2'",
};

export interface Config {
  workers: number;
  settings: WorkerSettings;
}

/**
 * `WORKERS:JOBS:PROBLEMS_IN_FLIGHT:TREE_CONCURRENCY` items, comma-separated, from flag `field`
 * (or `fallback`), each worker with `--worker-args` added.
 */
export function parseConfigs(flags: BenchFlags, field: string, fallback: string): Config[] {
  const extraArgs = (flags['worker-args'] ?? '').split(/\s+/).filter((a) => a !== '');
  const raw = flags[field] ?? fallback;
  return raw.split(',').map((item) => {
    const parts = item.split(':').map((v) => Number(v.trim()));
    if (parts.length !== 4 || parts.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new InvalidInputError(
        `expected WORKERS:JOBS:PROBLEMS_IN_FLIGHT:TREE_CONCURRENCY items, got ${item}`,
        { field: `--${field}` },
      );
    }
    const [workers, concurrency, problemsInFlight, treeConcurrency] = parts as [
      number,
      number,
      number,
      number,
    ];
    return { workers, settings: { concurrency, problemsInFlight, treeConcurrency, extraArgs } };
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `WORKERS:JOBS:PROBLEMS_IN_FLIGHT:TREE_CONCURRENCY` as the benchmark's rows name it. */
export function configKey(config: Config): string {
  const { workers, settings } = config;
  return `${workers}w × ${settings.concurrency}j × ${settings.problemsInFlight}p × ${settings.treeConcurrency}t`;
}

export interface SearchLoad {
  /** Names the round's store folder; one per measurement. */
  run: string;
  problems: readonly ProblemRecord[];
  shardSize: number;
  search: SearchSettings;
  warmupMs: number;
  windowMs: number;
  clock: SimClock;
}

/**
 * One configuration's workers search a round's shard jobs on the cluster; the steady window
 * after the warm-up is measured, then the workers stop mid-shard and the queue is emptied (the
 * remaining work is not part of the measurement). `drained`: every shard finished inside the
 * window (too few problems for a steady window).
 */
export async function measureSearchWindow(
  cluster: Cluster,
  config: Config,
  load: SearchLoad,
): Promise<{ window: SteadyWindow; drained: boolean }> {
  const workers = await cluster.startWorkers(config.workers, config.settings);
  const queue = shardQueue(cluster);
  let measured: { window: SteadyWindow; drained: boolean };
  try {
    const jobs = await writeRound(cluster, load.run, load.problems, load.shardSize, load.search);
    await queue.enqueue(jobs);
    await sleep(load.warmupMs);
    const window = await measureWindow(cluster, workers, load.windowMs, load.clock);
    const counts = await queue.counts();
    measured = { window, drained: counts.completed >= jobs.length };
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop(5_000)));
    await queue.obliterate();
    await queue.close();
  }
  await awaitSimIdle(cluster.simUrl);
  return measured;
}

export async function benchFleetSaturation(flags: BenchFlags = {}): Promise<BenchResult> {
  const cores = availableParallelism();
  const configs = parseConfigs(flags, 'configs', DEFAULT_CONFIGS);
  const server = simServerFromFlags(flags, SERVER);
  const search: SearchSettings = {
    rollouts: intFlag(flags, 'rollouts', 16),
    candidates: intFlag(flags, 'candidates', 8),
    maxDepth: 16,
    c: 2,
    qRule: 'terminal',
    seed: 3,
    maxTokens: intFlag(flags, 'max-tokens', 1024),
    temperature: 0.7,
  };
  const warmupMs = 1000 * numberFlag(flags, 'warmup-s', 10, 0);
  const windowMs = 1000 * numberFlag(flags, 'window-s', 30, 1);
  const count = intFlag(flags, 'problems', 2048);
  const shardSize = intFlag(flags, 'shard-size', 128);
  const metrics: Record<string, number> = {};
  const notes: string[] = [
    `${cores} cores; simulated server: ${server.description}; a request holds n = ${search.candidates} sequences, each freed when its own choice ends (TTFT + per-token × its tokens)`,
    `MCTS ${search.rollouts} rollouts × ${search.candidates} candidates, terminal Q, max ${search.maxTokens} tokens per step; ${count} problems in shards of ${shardSize} per configuration; window ${windowMs / 1000} s after ${warmupMs / 1000} s warm-up`,
    'config = workers × jobs per worker (--concurrency) × --problems-in-flight × --tree-concurrency',
    ...(flags['worker-args'] === undefined ? [] : [`worker arguments: ${flags['worker-args']}`]),
  ];
  const cluster = await startCluster({
    sandboxWorkers: intFlag(flags, 'sandbox-workers', cores),
    ...server.cluster,
  });
  try {
    for (const [i, config] of configs.entries()) {
      const key = configKey(config);
      process.stderr.write(`bench: fleet-saturation ${key}...\n`);
      const { window, drained } = await measureSearchWindow(cluster, config, {
        run: `sat-${i}`,
        problems: synthProblems(count, 21, i * count),
        shardSize,
        search,
        warmupMs,
        windowMs,
        clock: server.clock,
      });
      Object.assign(metrics, windowMetrics(key, window));
      if (drained) notes.push(`${key}: every shard finished inside the window; raise --problems`);
    }
  } finally {
    await cluster.stop();
  }
  return {
    name: 'fleet-saturation',
    description:
      "Share of a simulated GPU server's capacity (max-num-seqs sequences) the rollout workers " +
      'keep busy over a steady window (exact ∫running ÷ ∫capacity from the simulator), per worker setting.',
    metrics,
    notes,
  };
}
