import { availableParallelism } from 'node:os';
import { InvalidInputError } from '@rstar-fleet/protocol';
import { GPU_PRESETS, type GpuCost } from '@rstar-fleet/model-sim';
import type { BenchResult } from './bench-result';
import { intFlag, intListFlag, numberFlag, type BenchFlags } from './bench-flags';
import { startCluster, type Cluster, type SearchSettings } from './fleet-cluster';
import { synthProblems } from './fleet-overhead';
import { gpuSeconds } from './gpu-efficiency/gpu-readings';
import { measureFleet, measureLockstep, type Measurement } from './gpu-efficiency/measure';
import { startRandomProxy } from './gpu-efficiency/random-proxy';

/**
 * GPU efficiency (issue #15): rollouts per SIMULATED GPU-hour on the token-level cost model,
 * for rStar's released lock-step loop with prefix caching off (a) and on (b) and for the fleet
 * (c), same problems and budgets, round 2 and round 3 settings; then the fleet over 4 policy
 * replicas with tree-sticky routing against a random load balancer; the fleet's in-flight
 * requests against the reference notes' Little's-law estimate; the fleet's rollouts per GPU-hour
 * against what the measured H200 floor would allow for the same tokens.
 */
export const GPU_EFFICIENCY_FLAGS: Record<string, string> = {
  problems:
    'problems per variant (default 16; rStar batches 2,500–8,000, so the lock-step batch is all of them)',
  rounds: 'round settings to measure: 2 (terminal Q, 16/8), 3 (PPM Q, 16/8); default 2,3',
  gpu: 'simulated GPU preset for every server (default h100-7b)',
  'time-scale':
    'wall ms per simulated GPU ms for the fleet runs (default 0.1: 10× faster than life, so the run fits minutes; the host CPU then weighs 10× more against the fleet)',
  'lockstep-time-scale':
    'wall ms per simulated GPU ms for the lock-step runs (default 0.005: nothing arrives while its GPU runs, so it may run faster than life)',
  replicas:
    'policy replicas for the routing comparison, on the first round given (default 4; 0 skips it)',
  'max-tokens': 'max tokens per step (default 2048, rStar’s)',
  'sandbox-workers': 'sandbox fork-servers (default: cores)',
};

const ROUND_SETTINGS: Record<number, Pick<SearchSettings, 'qRule' | 'rollouts' | 'candidates'>> = {
  2: { qRule: 'terminal', rollouts: 16, candidates: 8 },
  3: { qRule: 'ppm', rollouts: 16, candidates: 8 },
};

interface Variant {
  key: string;
  caching: boolean;
  replicas: number;
  timeScale: number;
  run: (cluster: Cluster) => Promise<Measurement>;
}

async function withCluster<T>(
  options: {
    caching: boolean;
    replicas: number;
    gpu: string;
    timeScale: number;
    sandboxWorkers: number;
  },
  body: (cluster: Cluster) => Promise<T>,
): Promise<T> {
  const cluster = await startCluster({
    sandboxWorkers: options.sandboxWorkers,
    simReplicas: options.replicas,
    simArgs: [
      `--gpu=${options.gpu}`,
      `--prefix-caching=${options.caching ? 'on' : 'off'}`,
      `--time-scale=${options.timeScale}`,
    ],
  });
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
  }
}

const perHour = (m: Measurement): number => m.rollouts / (gpuSeconds(m.gpu) / 3600);

/** Seconds the measured floor needs for these tokens: prefill at its rate, decode at its best. */
function floorSeconds(cost: GpuCost, m: Measurement): number {
  const bestDecode = Math.max(...cost.decodeStepMs.map(([b, ms]) => (b * 1000) / ms));
  return m.gpu.prefillTokens / cost.prefillTokensPerS + m.gpu.generatedTokens / bestDecode;
}

function record(metrics: Record<string, number>, key: string, m: Measurement): void {
  metrics[`${key}: rollouts per simulated GPU-hour`] = perHour(m);
  metrics[`${key}: GPU busy share`] = m.gpu.busyS / gpuSeconds(m.gpu);
  metrics[`${key}: prefix-cache hit rate`] =
    m.gpu.cacheQueries === 0 ? 0 : m.gpu.cacheHits / m.gpu.cacheQueries;
  metrics[`${key}: prefill tokens per rollout`] = m.gpu.prefillTokens / m.rollouts;
  metrics[`${key}: generated tokens per rollout`] = m.gpu.generatedTokens / m.rollouts;
  metrics[`${key}: mean running sequences while busy`] = m.gpu.runningSeqS / m.gpu.busyS;
  metrics[`${key}: rollouts`] = m.rollouts;
  metrics[`${key}: problems solved`] = m.solved;
  metrics[`${key}: GPU seconds (simulated busy + idle)`] = gpuSeconds(m.gpu);
  metrics[`${key}: preemptions`] = m.gpu.preemptions;
  metrics[`${key}: wall seconds`] = m.wallS;
}

export async function benchGpuEfficiency(flags: BenchFlags = {}): Promise<BenchResult> {
  const cores = availableParallelism();
  const count = intFlag(flags, 'problems', 16);
  const rounds = intListFlag(flags, 'rounds', [2, 3]);
  const gpu = flags.gpu ?? 'h100-7b';
  const preset = GPU_PRESETS[gpu];
  if (preset === undefined) {
    throw new InvalidInputError(`unknown GPU preset ${gpu}`, { field: '--gpu' });
  }
  const timeScale = numberFlag(flags, 'time-scale', 0.1, 0.001);
  const lockstepScale = numberFlag(flags, 'lockstep-time-scale', 0.005, 0.0001);
  const replicas = intFlag(flags, 'replicas', 4, 0);
  const maxTokens = intFlag(flags, 'max-tokens', 2048);
  const sandboxWorkers = intFlag(flags, 'sandbox-workers', cores);
  const problems = synthProblems(count, 15);
  const base = { gpu, sandboxWorkers };
  const metrics: Record<string, number> = {};
  const notes: string[] = [
    `${cores} cores; every figure is SIMULATED (model-sim's token-level GPU model, preset ${gpu}: ${preset.gpu.decodeStepMs[0]![1]}–${preset.gpu.decodeStepMs.at(-1)![1]} ms per decode step at batch ${preset.gpu.decodeStepMs[0]![0]}–${preset.gpu.decodeStepMs.at(-1)![0]}, prefill ${preset.gpu.prefillTokensPerS} tokens/s, ${preset.kvCacheTokens} KV tokens, max-num-seqs ${preset.maxNumSeqs}), the fleet at ${timeScale} wall ms per simulated ms, the lock-step at ${lockstepScale}`,
    `${count} synthetic problems (family seed 15) per variant, the same for every variant; MCTS 16 rollouts × 8 candidates, c = 2, max depth 16, errorsThreshold 1, temperature 0.7, max ${maxTokens} tokens per step; lock-step batch = all ${count} problems; the fleet = 1 worker with every problem in flight`,
    'GPU-hours = simulated busy time + idle time in host seconds, from the first request to the last answer (a rented GPU costs both)',
  ];

  for (const round of rounds) {
    const settings = ROUND_SETTINGS[round];
    if (settings === undefined) {
      throw new InvalidInputError(`round settings exist for 2 and 3, got ${round}`, {
        field: '--rounds',
      });
    }
    const search: SearchSettings = {
      ...settings,
      maxDepth: 16,
      c: 2,
      seed: 7,
      maxTokens,
      temperature: 0.7,
    };
    const variants: Variant[] = [
      {
        key: `round ${round} (a) lock-step, caching off`,
        caching: false,
        replicas: 1,
        timeScale: lockstepScale,
        run: (c) => measureLockstep(c, problems, search, count),
      },
      {
        key: `round ${round} (b) lock-step, caching on`,
        caching: true,
        replicas: 1,
        timeScale: lockstepScale,
        run: (c) => measureLockstep(c, problems, search, count),
      },
      {
        key: `round ${round} (c) fleet`,
        caching: true,
        replicas: 1,
        timeScale,
        run: (c) => measureFleet(c, `gpu-r${round}`, problems, search, c.simUrls),
      },
    ];
    const measured: Measurement[] = [];
    for (const v of variants) {
      process.stderr.write(`bench: gpu-efficiency ${v.key}...\n`);
      const m = await withCluster(
        { ...base, caching: v.caching, replicas: v.replicas, timeScale: v.timeScale },
        v.run,
      );
      record(metrics, v.key, m);
      measured.push(m);
    }
    const [a, b, c] = measured as [Measurement, Measurement, Measurement];
    const ca = perHour(c) / perHour(a);
    const ba = perHour(b) / perHour(a);
    metrics[`round ${round}: (c)/(a) rollouts per GPU-hour`] = ca;
    metrics[`round ${round}: (c)/(b) rollouts per GPU-hour`] = perHour(c) / perHour(b);
    metrics[`round ${round}: (b)/(a), the prefix cache's part`] = ba;
    // (c)/(a) = (b)/(a) × (c)/(b): on a log scale, the cache's share and the scheduling's.
    metrics[`round ${round}: prefix cache's share of the (c)/(a) gain (log scale)`] =
      ca > 1 ? Math.log(ba) / Math.log(ca) : NaN;
    metrics[`round ${round}: (c) fleet share of the ${gpu} floor for the same tokens`] =
      floorSeconds(preset.gpu, c) / gpuSeconds(c.gpu);
    metrics[`round ${round}: (c) fleet share of the h200-7b floor for the same tokens`] =
      floorSeconds(GPU_PRESETS['h200-7b']!.gpu, c) / gpuSeconds(c.gpu);
    metrics[`round ${round}: (c) fleet requests in flight (worker governor, mean)`] =
      c.inFlightRequests ?? NaN;
    metrics[`round ${round}: (c) fleet in-flight limit (worker governor, mean)`] =
      c.inFlightLimit ?? NaN;
  }

  if (replicas > 0) {
    const round = rounds[0]!;
    const search: SearchSettings = {
      ...ROUND_SETTINGS[round]!,
      maxDepth: 16,
      c: 2,
      seed: 7,
      maxTokens,
      temperature: 0.7,
    };
    const routed = async (sticky: boolean): Promise<Measurement> =>
      withCluster({ ...base, caching: true, replicas, timeScale }, async (cluster) => {
        if (sticky) return measureFleet(cluster, 'gpu-sticky', problems, search, cluster.simUrls);
        const proxy = await startRandomProxy(cluster.simUrls);
        try {
          return await measureFleet(cluster, 'gpu-random', problems, search, [proxy.url]);
        } finally {
          await proxy.close();
        }
      });
    for (const sticky of [true, false]) {
      const key = `${replicas} replicas, round ${round}, ${sticky ? 'tree-sticky' : 'random'} routing`;
      process.stderr.write(`bench: gpu-efficiency ${key}...\n`);
      const m = await routed(sticky);
      metrics[`${key}: rollouts per simulated GPU-hour`] = perHour(m);
      metrics[`${key}: prefix-cache hit rate`] =
        m.gpu.cacheQueries === 0 ? 0 : m.gpu.cacheHits / m.gpu.cacheQueries;
      metrics[`${key}: prefill tokens per rollout`] = m.gpu.prefillTokens / m.rollouts;
      metrics[`${key}: GPU busy share`] = m.gpu.busyS / gpuSeconds(m.gpu);
    }
  }
  notes.push(
    "Little's law (inference-servers.md §5): 7B on one H100 wants ≈ 250–400 sequences in flight (30–50 expansions at n = 8, +30–50 % for worker gaps); compare the fleet's mean running sequences and its requests in flight above",
  );
  return {
    name: 'gpu-efficiency',
    description:
      'Rollouts per SIMULATED GPU-hour: rStar’s lock-step loop, prefix caching off (a) and on (b), against the fleet (c), same problems and budgets; sticky vs random routing over replicas.',
    metrics,
    notes,
  };
}
