import { readdir, stat } from 'node:fs/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { parsePlan } from '@rstar-fleet/config';
import { writeSynthCorpus } from '@rstar-fleet/corpus';
import { DEFAULT_LEASE_MS, Orchestrator } from '@rstar-fleet/orchestration';
import { bullConnection, createRedis, ROUND_QUEUE, SHARD_QUEUE } from '@rstar-fleet/queue';
import { startPrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import type { BenchResult } from './bench-result';
import { intFlag, type BenchFlags } from './bench-flags';

/**
 * Ingest at corpus scale: a synthetic corpus (747k problems by default, the size of rStar-Math's)
 * is written, then the orchestrator starts a run on it against a private redis-server: it
 * streams the corpus into shard files in the store and enqueues round 1 as one BullMQ flow
 * (parent `round` job, one child per shard). Measures wall time of each part, Redis memory
 * before/after (INFO memory), the store's size on disk, shards and jobs. No worker runs.
 */
export const FLEET_INGEST_FLAGS: Record<string, string> = {
  problems: 'synthetic problems in the corpus (default 747000)',
  'shard-size': 'problems per shard (default 256, the plan default)',
};

async function duBytes(path: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      const sub = await duBytes(full);
      bytes += sub.bytes;
      files += sub.files;
    } else {
      // Allocated blocks: what the store costs on disk, not the files' apparent sizes.
      bytes += (await stat(full)).blocks * 512;
      files++;
    }
  }
  return { bytes, files };
}

function infoField(info: string, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  return m === null ? NaN : Number(m[1]);
}

const MiB = 1024 * 1024;

export async function benchFleetIngest(flags: BenchFlags = {}): Promise<BenchResult> {
  const problems = intFlag(flags, 'problems', 747_000);
  const shardSize = intFlag(flags, 'shard-size', 256);
  const dir = mkdtempSync(join(tmpdir(), 'rstar-bench-ingest-'));
  const redis = await startPrivateRedis();
  const prefix = uniquePrefix('bench');
  // `worker` role: commands wait for the connection instead of failing before it is up.
  const client = createRedis({ url: redis.url, role: 'worker', connectionName: 'rstar-bench' });
  const metrics: Record<string, number> = {};
  try {
    const corpus = join(dir, 'corpus.jsonl');
    let t = performance.now();
    await writeSynthCorpus(corpus, problems, 1);
    metrics['corpus synth: seconds (not part of ingest)'] = (performance.now() - t) / 1000;
    metrics['corpus: MiB'] = (await stat(corpus)).size / MiB;

    const planText = [
      'name: ingest',
      `corpus: { path: ${JSON.stringify(corpus)} }`,
      `store: { dir: ${JSON.stringify(join(dir, 'store'))} }`,
      `redis: { url: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)} }`,
      'defaults:',
      // Never called: no worker runs; the manifest only records them.
      '  policy: { endpoints: ["http://127.0.0.1:9"], model: sim-policy-r0 }',
      '  ppm: { endpoints: ["http://127.0.0.1:9"], model: sim-ppm-r0 }',
      `  shardSize: ${shardSize}`,
      'rounds: 1',
      '',
    ].join('\n');
    const planPath = join(dir, 'plan.yaml');
    writeFileSync(planPath, planText);
    const plan = parsePlan(planText, planPath);

    const before = await client.info('memory');
    let ingestedAt = 0;
    let shards = 0;
    t = performance.now();
    const orchestrator = await Orchestrator.open(
      plan,
      { planText, run: 'ingest-bench', leaseMs: DEFAULT_LEASE_MS },
      {
        ingestDone: (summary) => {
          ingestedAt = performance.now();
          shards = summary.shards;
        },
      },
    );
    try {
      await orchestrator.start();
    } finally {
      await orchestrator.close();
    }
    const startedAt = performance.now();
    const after = await client.info('memory');
    const queue = (name: string): Queue =>
      new Queue(name, {
        connection: bullConnection({
          url: redis.url,
          role: 'producer',
          connectionName: 'rstar-bench',
        }),
        prefix,
      });
    const shardQ = queue(SHARD_QUEUE);
    const roundQ = queue(ROUND_QUEUE);
    const shardJobs = Object.values(await shardQ.getJobCounts()).reduce((a, b) => a + b, 0);
    const roundJobs = Object.values(await roundQ.getJobCounts()).reduce((a, b) => a + b, 0);
    await Promise.all([shardQ.close(), roundQ.close()]);
    const store = await duBytes(join(dir, 'store'));
    const usedBefore = infoField(before, 'used_memory');
    const usedAfter = infoField(after, 'used_memory');

    metrics['problems'] = problems;
    metrics['shards'] = shards;
    metrics['shard jobs in Redis'] = shardJobs;
    metrics['round jobs in Redis'] = roundJobs;
    metrics['ingest (corpus → shard files): seconds'] = (ingestedAt - t) / 1000;
    metrics['ingest: problems per s'] = problems / ((ingestedAt - t) / 1000);
    metrics['manifest + flow enqueue: seconds'] = (startedAt - ingestedAt) / 1000;
    metrics['total (open → round 1 enqueued): seconds'] = (startedAt - t) / 1000;
    metrics['Redis used_memory before: MiB'] = usedBefore / MiB;
    metrics['Redis used_memory after: MiB'] = usedAfter / MiB;
    metrics['Redis bytes per shard job'] = (usedAfter - usedBefore) / Math.max(1, shardJobs);
    metrics['Redis bytes per problem'] = (usedAfter - usedBefore) / problems;
    metrics['store on disk: MiB'] = store.bytes / MiB;
    metrics['store files'] = store.files;
    metrics['store on disk ÷ corpus size'] = store.bytes / (await stat(corpus)).size;
    metrics['bench process peak RSS: MiB'] = (process.resourceUsage().maxRSS * 1024) / MiB;
  } finally {
    client.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name: 'fleet-ingest',
    description:
      'Orchestrator ingest of a synthetic corpus (stream → shard files in the store) and round 1 ' +
      'enqueued as one BullMQ flow into a private Redis: wall time, Redis memory, store size.',
    metrics,
    notes: [
      `${problems} synthetic problems, shards of ${shardSize}; store: local directory; Redis: private redis-server (AOF everysec, noeviction)`,
      'the orchestrator runs in the benchmark process (the same code `rstar-fleet run` runs); no worker consumes the jobs',
      "Redis holds only ids and store keys; its bytes per shard job include BullMQ's job hash, the parent's dependency set and the events stream (capped by BullMQ at ~10,000 entries)",
      'peak RSS includes writing the synthetic corpus in the same process',
    ],
  };
}
