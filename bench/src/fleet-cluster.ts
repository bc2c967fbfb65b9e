import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { ProblemRecord } from '@rstar-fleet/corpus';
import {
  ROUND_MANIFEST_VERSION,
  shardJobId,
  type RoundManifest,
  type SearchRecord,
  type ShardJobData,
} from '@rstar-fleet/protocol';
import { bullConnection, SHARD_QUEUE, shardJobOptions } from '@rstar-fleet/queue';
import { startPrivateRedis, type PrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { testUidBase } from '@rstar-fleet/sandbox/testing';
import {
  FileSystemStore,
  readShardResults,
  roundDir,
  shardInput,
  shardResults,
} from '@rstar-fleet/store';
import { pinoReady, startService, type ServiceProcess } from './fleet-procs';

/**
 * The fleet on one machine for a benchmark: a private redis-server, the gRPC sandbox, the HTTP
 * simulator and N `rstar-fleet worker` processes, with a store directory and a plan file. Shard
 * jobs are written and enqueued directly (store layout + `shards` queue, as the orchestrator
 * would), so the measurement covers exactly the workers' side of the fleet.
 */
export interface SimLatency {
  ttftMs: number;
  perTokenMs: number;
  maxNumSeqs: number;
}

export interface ClusterOptions {
  sandboxWorkers: number;
  /** The fixed latency model's flags; absent with a GPU model in `simArgs`. */
  sim?: SimLatency;
  /** More `rstar-fleet model-sim` arguments (e.g. `--gpu=h100-7b`). */
  simArgs?: readonly string[];
  /** Simulator processes (policy/PPM replicas, one simulated GPU each). Default 1. */
  simReplicas?: number;
  /**
   * The plan's `defaults.sampling.maxTokens` (what `rstar-fleet eval` resolves its sampling
   * from); the plan's own default when absent. Rounds written by writeRound carry their own.
   */
  maxTokens?: number;
}

export interface WorkerSettings {
  /** Shard jobs at once per worker (`--concurrency`). */
  concurrency: number;
  problemsInFlight: number;
  treeConcurrency: number;
  /** More `rstar-fleet worker` arguments, as given (e.g. a governor setting). */
  extraArgs?: readonly string[];
}

export interface SearchSettings {
  rollouts: number;
  candidates: number;
  maxDepth: number;
  c: number;
  qRule: 'terminal' | 'ppm';
  seed: number;
  maxTokens: number;
  temperature: number;
}

export interface Cluster {
  readonly dir: string;
  readonly store: FileSystemStore;
  readonly redis: PrivateRedis;
  readonly prefix: string;
  readonly planPath: string;
  readonly sandbox: ServiceProcess;
  readonly sim: ServiceProcess;
  readonly simUrl: string;
  /** Every replica; `sim`/`simUrl` are the first. */
  readonly sims: readonly ServiceProcess[];
  readonly simUrls: readonly string[];
  readonly sandboxAddress: string;
  startWorkers(count: number, settings: WorkerSettings): Promise<ServiceProcess[]>;
  stop(): Promise<void>;
}

/** The simulator writes one plain line when serving: `… on http://HOST:PORT`. */
const simReady = (line: string): Record<string, unknown> | null => {
  const m = /SIMULATOR \(not a model\) serving .* on (http:\/\/[^\s]+:(\d+))/.exec(line);
  return m === null ? null : { url: m[1], port: Number(m[2]) };
};

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rstar-bench-fleet-'));
  const started: ServiceProcess[] = [];
  const redis = await startPrivateRedis();
  try {
    const sandbox = await startService(
      'sandbox',
      [
        'sandbox',
        '--host=127.0.0.1',
        '--port=0',
        '--metrics-port=0',
        `--workers=${options.sandboxWorkers}`,
        `--uid-base=${testUidBase()}`,
      ],
      pinoReady('sandbox serving'),
    );
    started.push(sandbox);
    const latency = options.sim;
    const sims: ServiceProcess[] = [];
    for (let i = 0; i < (options.simReplicas ?? 1); i++) {
      const sim = await startService(
        i === 0 ? 'model-sim' : `model-sim-${i}`,
        [
          'model-sim',
          '--port=0',
          ...(latency === undefined
            ? []
            : [
                `--ttft-ms=${latency.ttftMs}`,
                `--per-token-ms=${latency.perTokenMs}`,
                `--max-num-seqs=${latency.maxNumSeqs}`,
              ]),
          ...(options.simArgs ?? []),
        ],
        simReady,
      );
      started.push(sim);
      sims.push(sim);
    }
    const sim = sims[0]!;
    const simUrls = sims.map((s) => String(s.ready.url));
    const prefix = uniquePrefix('bench');
    const simUrl = String(sim.ready.url);
    const sandboxAddress = `127.0.0.1:${Number(sandbox.ready.grpcPort)}`;
    const planPath = join(dir, 'plan.yaml');
    writeFileSync(join(dir, 'corpus.jsonl'), '');
    writeFileSync(
      planPath,
      [
        'name: bench',
        `corpus: { path: ${JSON.stringify(join(dir, 'corpus.jsonl'))} }`,
        `store: { dir: ${JSON.stringify(join(dir, 'store'))} }`,
        `redis: { url: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)} }`,
        `sandbox: { addresses: [${JSON.stringify(sandboxAddress)}] }`,
        'defaults:',
        `  policy: { endpoints: [${JSON.stringify(simUrl)}], model: sim-policy-r0 }`,
        `  ppm: { endpoints: [${JSON.stringify(simUrl)}], model: sim-ppm-r0 }`,
        ...(options.maxTokens === undefined
          ? []
          : [`  sampling: { maxTokens: ${options.maxTokens} }`]),
        'rounds: 1',
        '',
      ].join('\n'),
    );
    const store = new FileSystemStore(join(dir, 'store'));
    const workers: ServiceProcess[] = [];
    return {
      dir,
      store,
      redis,
      prefix,
      planPath,
      sandbox,
      sim,
      simUrl,
      sims,
      simUrls,
      sandboxAddress,
      async startWorkers(count, settings) {
        const first = workers.length;
        const settled = await Promise.allSettled(
          Array.from({ length: count }, (_, i) =>
            startService(
              `worker-${first + i}`,
              [
                'worker',
                `--plan=${planPath}`,
                `--concurrency=${settings.concurrency}`,
                `--problems-in-flight=${settings.problemsInFlight}`,
                `--tree-concurrency=${settings.treeConcurrency}`,
                '--http-port=0',
                `--name=bench-${first + i}`,
                // Benchmarks stop workers mid-shard; nothing needs finishing.
                '--grace-ms=2000',
                ...(settings.extraArgs ?? []),
              ],
              pinoReady('worker ready'),
            ),
          ),
        );
        const fresh: ServiceProcess[] = [];
        for (const s of settled) if (s.status === 'fulfilled') fresh.push(s.value);
        // Tracked before any error is thrown, so stop() ends them too.
        workers.push(...fresh);
        started.push(...fresh);
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
        return fresh;
      },
      async stop() {
        await Promise.allSettled(workers.map((w) => w.stop()));
        await Promise.allSettled([...sims.map((s) => s.stop()), sandbox.stop()]);
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.stop()));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The models, endpoints, sandbox and sampling a round's searches use on this cluster. */
export function portsTargetFor(
  cluster: Cluster,
  search: SearchSettings,
  endpointUrls: readonly string[] = [cluster.simUrl],
): Pick<RoundManifest, 'policy' | 'ppm' | 'sandbox' | 'sampling'> {
  const endpoints = endpointUrls.map((url, i) => ({
    url,
    name: endpointUrls.length === 1 ? 'sim' : `sim-${i}`,
  }));
  return {
    policy: { model: 'sim-policy-r0', dialect: 'vllm', endpoints },
    ppm:
      search.qRule === 'ppm'
        ? { model: 'sim-ppm-r0', dialect: 'vllm-classify', transform: 'tanh5', endpoints }
        : null,
    sandbox: { addresses: [cluster.sandboxAddress] },
    sampling: { temperature: search.temperature, topP: 1, maxTokens: search.maxTokens },
  };
}

/** Writes a round's shard files and manifest (phase 0, one tree per problem); returns the jobs. */
export async function writeRound(
  cluster: Cluster,
  run: string,
  problems: readonly ProblemRecord[],
  shardSize: number,
  search: SearchSettings,
  /** The policy and PPM replicas the workers route to. Default: the first simulator. */
  endpointUrls: readonly string[] = [cluster.simUrl],
): Promise<ShardJobData[]> {
  const shards = Math.ceil(problems.length / shardSize);
  const manifest: RoundManifest = {
    v: ROUND_MANIFEST_VERSION,
    run,
    round: 1,
    ...portsTargetFor(cluster, search, endpointUrls),
    search: {
      mode: 'mcts',
      candidates: search.candidates,
      maxDepth: search.maxDepth,
      errorsThreshold: 1,
      c: search.c,
      qRule: search.qRule,
      seed: search.seed,
      beamWidth: 8,
      escalation: [],
    },
    shards: { size: 256, maxFailedShare: 0 },
    phases: [
      {
        phase: 0,
        rollouts: search.rollouts,
        trees: 1,
        firstShard: 0,
        shards,
        problems: problems.length,
      },
    ],
  };
  const manifestKey = `${roundDir(run, 1)}/round.json`;
  await cluster.store.write(manifestKey, `${JSON.stringify(manifest)}\n`);
  const jobs: ShardJobData[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const rows = problems.slice(shard * shardSize, (shard + 1) * shardSize);
    await cluster.store.write(
      shardInput(run, 1, shard),
      `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`,
    );
    jobs.push({
      run,
      round: 1,
      shard,
      phase: 0,
      input: shardInput(run, 1, shard),
      results: shardResults(run, 1, shard),
      manifest: manifestKey,
    });
  }
  return jobs;
}

export interface ShardQueue {
  enqueue(jobs: readonly ShardJobData[]): Promise<void>;
  /** Resolves when every job is completed (rejects when one failed for good, or at timeout). */
  waitAll(jobs: readonly ShardJobData[], pollMs?: number, timeoutMs?: number): Promise<void>;
  counts(): Promise<{ completed: number; failed: number; active: number; waiting: number }>;
  /** Removes every job of the queue (after its workers stopped). */
  obliterate(): Promise<void>;
  close(): Promise<void>;
}

export function shardQueue(cluster: Cluster): ShardQueue {
  const queue = new Queue<ShardJobData>(SHARD_QUEUE, {
    connection: bullConnection({
      url: cluster.redis.url,
      role: 'producer',
      connectionName: 'rstar-bench',
    }),
    prefix: cluster.prefix,
  });
  return {
    async enqueue(jobs) {
      await queue.addBulk(
        jobs.map((data) => ({
          name: 'shard',
          data,
          opts: {
            ...shardJobOptions({ attempts: 1 }),
            jobId: shardJobId(data.run, data.round, data.shard),
          },
        })),
      );
    },
    async waitAll(jobs, pollMs = 50, timeoutMs = 30 * 60_000) {
      const deadline = Date.now() + timeoutMs;
      let pending = jobs.map((j) => shardJobId(j.run, j.round, j.shard));
      while (pending.length > 0) {
        const states = await Promise.all(pending.map((id) => queue.getJobState(id)));
        const failed = pending.find((_, i) => states[i] === 'failed');
        if (failed !== undefined) {
          const job = await queue.getJob(failed);
          throw new Error(`shard job ${failed} failed: ${job?.failedReason}`);
        }
        pending = pending.filter((_, i) => states[i] !== 'completed');
        if (pending.length > 0 && Date.now() > deadline) {
          throw new Error(`${pending.length} shard jobs unfinished after ${timeoutMs} ms`);
        }
        if (pending.length > 0) await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async counts() {
      const c = await queue.getJobCounts('completed', 'failed', 'active', 'waiting');
      return {
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        active: c.active ?? 0,
        waiting: c.waiting ?? 0,
      };
    },
    obliterate: () => queue.obliterate({ force: true }),
    close: () => queue.close(),
  };
}

/** Every search record the jobs wrote. */
export async function readRecords(
  cluster: Cluster,
  jobs: readonly ShardJobData[],
): Promise<SearchRecord[]> {
  const records: SearchRecord[] = [];
  for (const job of jobs) {
    for await (const record of readShardResults(cluster.store, job.run, job.round, job.shard)) {
      records.push(record);
    }
  }
  return records;
}
