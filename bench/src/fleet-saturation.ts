import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { GPU_PRESETS } from '@rstar-fleet/model-sim';
import { InvalidInputError } from '@rstar-fleet/protocol';
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
import { fetchText, metricSum } from './fleet-procs';
import { synthProblems } from './fleet-overhead';

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
    '(default 1:1:16:1,1:2:64:4,2:2:64:4,4:2:64:4,8:1:64:2)',
  'max-num-seqs': 'simulated server batch: sequences decoded at once (default 512)',
  'ttft-ms': 'simulated time to first token (default 150)',
  'per-token-ms': 'simulated time per generated token at full batch (default 25)',
  gpu: 'run the simulator on the token-level GPU model instead (a preset: h200-7b, h100-7b, a100-7b; its max-num-seqs unless --max-num-seqs)',
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

interface Config {
  workers: number;
  settings: WorkerSettings;
}

function parseConfigs(flags: BenchFlags): Config[] {
  const extraArgs = (flags['worker-args'] ?? '').split(/\s+/).filter((a) => a !== '');
  const raw = flags.configs ?? '1:1:16:1,1:2:64:4,2:2:64:4,4:2:64:4,8:1:64:2';
  return raw.split(',').map((item) => {
    const parts = item.split(':').map((v) => Number(v.trim()));
    if (parts.length !== 4 || parts.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new InvalidInputError(
        `expected WORKERS:JOBS:PROBLEMS_IN_FLIGHT:TREE_CONCURRENCY items, got ${item}`,
        { field: '--configs' },
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

interface SimReading {
  at: number;
  busy: number;
  capacity: number;
  waiting: number;
  generated: number;
  finished: number;
}

async function readSim(cluster: Cluster): Promise<SimReading> {
  const text = await fetchText(`${cluster.simUrl}/metrics`);
  return {
    at: performance.now(),
    busy: metricSum(text, 'rstar_sim_busy_sequence_seconds_total'),
    capacity: metricSum(text, 'rstar_sim_capacity_sequence_seconds_total'),
    waiting: metricSum(text, 'rstar_sim_waiting_sequence_seconds_total'),
    generated: metricSum(text, 'vllm:generation_tokens_total'),
    finished: metricSum(text, 'vllm:request_success_total'),
  };
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function benchFleetSaturation(flags: BenchFlags = {}): Promise<BenchResult> {
  const cores = availableParallelism();
  const configs = parseConfigs(flags);
  const sim = {
    maxNumSeqs: intFlag(flags, 'max-num-seqs', 512),
    ttftMs: numberFlag(flags, 'ttft-ms', 150),
    perTokenMs: numberFlag(flags, 'per-token-ms', 25),
  };
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
    `${cores} cores; simulated server: max-num-seqs ${sim.maxNumSeqs}, TTFT ${sim.ttftMs} ms, ${sim.perTokenMs} ms/token; a request holds n = ${search.candidates} sequences, each freed when its own choice ends (TTFT + per-token × its tokens)`,
    `MCTS ${search.rollouts} rollouts × ${search.candidates} candidates, terminal Q, max ${search.maxTokens} tokens per step; ${count} problems in shards of ${shardSize} per configuration; window ${windowMs / 1000} s after ${warmupMs / 1000} s warm-up`,
    'config = workers × jobs per worker (--concurrency) × --problems-in-flight × --tree-concurrency',
    ...(flags['worker-args'] === undefined ? [] : [`worker arguments: ${flags['worker-args']}`]),
  ];

  const gpu = flags.gpu;
  // The server's batch, which the capacity integral grows by per (simulated) second.
  let capacityPerSecond = sim.maxNumSeqs;
  if (gpu !== undefined) {
    const preset = GPU_PRESETS[gpu];
    if (preset === undefined) {
      throw new InvalidInputError(`unknown GPU preset ${gpu}`, { field: '--gpu' });
    }
    if (flags['max-num-seqs'] === undefined) capacityPerSecond = preset.maxNumSeqs;
    notes[0] = `${cores} cores; simulated server: the token-level GPU model ${gpu} (max-num-seqs ${flags['max-num-seqs'] ?? 'of the preset'}; prefill, prefix cache, decode batches)`;
  }
  const cluster = await startCluster({
    sandboxWorkers: intFlag(flags, 'sandbox-workers', cores),
    ...(gpu === undefined
      ? { sim }
      : {
          simArgs: [
            `--gpu=${gpu}`,
            ...(flags['max-num-seqs'] === undefined ? [] : [`--max-num-seqs=${sim.maxNumSeqs}`]),
          ],
        }),
  });
  try {
    for (const [i, config] of configs.entries()) {
      const { workers: k, settings } = config;
      const key = `${k}w × ${settings.concurrency}j × ${settings.problemsInFlight}p × ${settings.treeConcurrency}t`;
      process.stderr.write(`bench: fleet-saturation ${key}...\n`);
      const workers = await cluster.startWorkers(k, settings);
      const queue = shardQueue(cluster);
      try {
        const problems = synthProblems(count, 21, i * count);
        const jobs = await writeRound(cluster, `sat-${i}`, problems, shardSize, search);
        await queue.enqueue(jobs);
        await sleep(warmupMs);
        const cpu0 = workers.map((w) => w.cpuSeconds());
        const sandbox0 = cluster.sandbox.cpuSeconds();
        const sim0 = cluster.sim.cpuSeconds();
        const before = await readSim(cluster);
        // Gauges sampled during the window: the simulator's running sequences (a cross-check
        // of the exact integral) and the workers' inference governors (requests in flight,
        // their limit, requests queued in the client for a slot).
        const running: number[] = [];
        const governor = {
          inFlight: [] as number[],
          limit: [] as number[],
          queued: [] as number[],
        };
        const end = before.at + windowMs;
        for (let tick = 0; performance.now() < end; tick++) {
          await sleep(Math.min(250, Math.max(0, end - performance.now())));
          const text = await fetchText(`${cluster.simUrl}/metrics`);
          running.push(metricSum(text, 'vllm:num_requests_running'));
          if (tick % 4 === 0) {
            const texts = await Promise.all(
              workers.map((w) => fetchText(`http://127.0.0.1:${Number(w.ready.httpPort)}/metrics`)),
            );
            const total = (name: string): number =>
              texts.reduce((acc, t) => acc + metricSum(t, name), 0);
            governor.inFlight.push(total('rstar_inference_in_flight_requests'));
            governor.limit.push(total('rstar_inference_in_flight_limit'));
            governor.queued.push(total('rstar_inference_queued_requests'));
          }
        }
        const after = await readSim(cluster);
        // The simulator's own clock (Δ∫capacity ÷ maxNumSeqs): the integrals' time base.
        const seconds = (after.capacity - before.capacity) / capacityPerSecond;
        const wallSeconds = (after.at - before.at) / 1000;
        const workerCpu = workers.map((w, j) => (w.cpuSeconds() - (cpu0[j] ?? 0)) / wallSeconds);
        const counts = await queue.counts();
        const busy = (after.busy - before.busy) / (after.capacity - before.capacity);
        metrics[`${key}: server busy share`] = busy;
        metrics[`${key}: mean running sequences`] = (after.busy - before.busy) / seconds;
        metrics[`${key}: mean running sequences (gauge samples)`] = mean(running);
        metrics[`${key}: mean queued sequences`] = (after.waiting - before.waiting) / seconds;
        metrics[`${key}: generated tokens per s`] = (after.generated - before.generated) / seconds;
        metrics[`${key}: sequences finished per s`] = (after.finished - before.finished) / seconds;
        metrics[`${key}: worker governors: mean requests in flight`] = mean(governor.inFlight);
        metrics[`${key}: worker governors: in-flight limit (sum)`] = mean(governor.limit);
        metrics[`${key}: worker governors: mean requests queued for a slot`] = mean(
          governor.queued,
        );
        metrics[`${key}: busiest worker CPU (cores)`] = Math.max(...workerCpu);
        metrics[`${key}: sandbox CPU (cores)`] =
          (cluster.sandbox.cpuSeconds() - sandbox0) / seconds;
        metrics[`${key}: simulator CPU (cores)`] = (cluster.sim.cpuSeconds() - sim0) / seconds;
        if (counts.completed >= jobs.length) {
          notes.push(`${key}: every shard finished inside the window; raise --problems`);
        }
      } finally {
        // Stop searching mid-shard: the remaining work is not part of the measurement.
        await Promise.allSettled(workers.map((w) => w.stop(5_000)));
        await queue.obliterate();
        await queue.close();
      }
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
