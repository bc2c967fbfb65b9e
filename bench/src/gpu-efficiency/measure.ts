import { performance } from 'node:perf_hooks';
import type { ProblemRecord } from '@rstar-fleet/corpus';
import type { ExecutorPort } from '@rstar-fleet/mcts';
import { FleetPorts, type PortsTarget } from '@rstar-fleet/rollout';
import {
  portsTargetFor,
  readRecords,
  shardQueue,
  writeRound,
  type Cluster,
  type SearchSettings,
} from '../fleet-cluster';
import { fetchText, metricSum } from '../fleet-procs';
import { vllmBatchPolicy } from '../lockstep/batched-policy';
import { runLockstep } from '../lockstep/driver';
import { delta, readGpus, type GpuReading } from './gpu-readings';

/** One variant's run: its rollouts and what the simulated GPUs counted meanwhile. */
export interface Measurement {
  rollouts: number;
  expansions: number;
  solved: number;
  wallS: number;
  gpu: GpuReading;
  /** Fleet only: the workers' governors, sampled during the run. */
  inFlightRequests?: number;
  inFlightLimit?: number;
}

/** The sandbox's default `--max-batch`: a level's programs go as that many concurrent calls. */
const SANDBOX_MAX_BATCH = 64;

function chunked(executor: ExecutorPort, size: number): ExecutorPort {
  return {
    async execute(programs, signal) {
      const parts: string[][] = [];
      for (let i = 0; i < programs.length; i += size) parts.push(programs.slice(i, i + size));
      const results = await Promise.all(parts.map((p) => executor.execute(p, signal)));
      return results.flat();
    },
  };
}

/** What the searches did, from their stats (search records and results carry the same). */
function searched(
  searches: readonly { stats: { rollouts: number; expansions: number; solved: boolean } }[],
): Pick<Measurement, 'rollouts' | 'expansions' | 'solved'> {
  return {
    rollouts: searches.reduce((s, r) => s + r.stats.rollouts, 0),
    expansions: searches.reduce((s, r) => s + r.stats.expansions, 0),
    solved: searches.filter((r) => r.stats.solved).length,
  };
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The fleet: one `rstar-fleet worker` searches the problems as one shard job, every problem in
 * flight, against `endpointUrls` (the replicas for tree-sticky routing, or one load balancer).
 */
export async function measureFleet(
  cluster: Cluster,
  run: string,
  problems: readonly ProblemRecord[],
  search: SearchSettings,
  endpointUrls: readonly string[],
): Promise<Measurement> {
  const workers = await cluster.startWorkers(1, {
    concurrency: 1,
    problemsInFlight: problems.length,
    treeConcurrency: 1,
  });
  const queue = shardQueue(cluster);
  try {
    const jobs = await writeRound(cluster, run, problems, problems.length, search, endpointUrls);
    const before = await readGpus(cluster.simUrls);
    const start = performance.now();
    await queue.enqueue(jobs);
    const inFlight: number[] = [];
    const limit: number[] = [];
    const sampling = (async () => {
      const workerUrl = `http://127.0.0.1:${Number(workers[0]!.ready.httpPort)}/metrics`;
      for (;;) {
        const counts = await queue.counts();
        if (counts.completed + counts.failed >= jobs.length) return;
        const text = await fetchText(workerUrl).catch(() => '');
        if (text !== '') {
          inFlight.push(metricSum(text, 'rstar_inference_in_flight_requests'));
          limit.push(metricSum(text, 'rstar_inference_in_flight_limit'));
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    await queue.waitAll(jobs);
    const wallS = (performance.now() - start) / 1000;
    const after = await readGpus(cluster.simUrls);
    await sampling;
    const records = await readRecords(cluster, jobs);
    return {
      ...searched(records),
      wallS,
      gpu: delta(after, before),
      inFlightRequests: mean(inFlight),
      inFlightLimit: mean(limit),
    };
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop(5_000)));
    await queue.close();
  }
}

/**
 * rStar's released loop on the same engine: the lock-step driver over the first simulator (one
 * batched generate per depth level), the sandbox and the PPM through the fleet's own clients.
 */
export async function measureLockstep(
  cluster: Cluster,
  problems: readonly ProblemRecord[],
  search: SearchSettings,
  batchSize: number,
): Promise<Measurement> {
  const target: PortsTarget = portsTargetFor(cluster, search);
  const fleetPorts = new FleetPorts({ governor: { maxInFlight: 4096 } });
  const shared = fleetPorts.portsFor(target, 'lockstep');
  try {
    const before = await readGpus([cluster.simUrl]);
    const start = performance.now();
    const results = await runLockstep(
      problems.map((p) => ({ id: p.id, question: p.problem, reference: p.answer })),
      {
        policy: vllmBatchPolicy({
          url: cluster.simUrl,
          model: 'sim-policy-r0',
          maxTokens: search.maxTokens,
          temperature: search.temperature,
          topP: 1,
          maxModelLen: 4096,
        }),
        executor: chunked(shared.executor, SANDBOX_MAX_BATCH),
        ...(shared.reward === undefined ? {} : { reward: shared.reward }),
        grader: shared.grader,
      },
      {
        batchSize,
        mcts: {
          qRule: search.qRule,
          rollouts: search.rollouts,
          candidates: search.candidates,
          maxDepth: search.maxDepth,
          errorsThreshold: 1,
          c: search.c,
          seed: search.seed,
        },
      },
    );
    const wallS = (performance.now() - start) / 1000;
    const after = await readGpus([cluster.simUrl]);
    return {
      ...searched(results),
      wallS,
      gpu: delta(after, before),
    };
  } finally {
    await fleetPorts.close();
  }
}
