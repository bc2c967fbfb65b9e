import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { equalRational, parseRational, synthRecord, type ProblemRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, createMcts, toRecord } from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT, createSimPorts } from '@rstar-fleet/model-sim';
import {
  parseRoundManifest,
  searchUnitKey,
  searchUnitSeed,
  type SearchRecord,
  type ShardJobData,
  type ShardJobResult,
} from '@rstar-fleet/protocol';
import { SHARD_QUEUE, bullConnection } from '@rstar-fleet/queue';
import { openShardResults, readShardResults, type ArtifactStore } from '@rstar-fleet/store';

/**
 * Fixtures of the orchestrator suites: a small corpus with malformed lines, a node hook script,
 * a two-round plan, and a STAND-IN FOR THE ROLLOUT WORKER — a BullMQ Worker in the test process
 * that searches with the in-process simulator ports (createSimPorts + createMcts + toRecord) and
 * appends records to the results logs exactly as the worker contract says (one record per search
 * unit `<problem>@<seed>`, progress `{done, total, solved, written, skipped}` like
 * packages/rollout, a ShardJobResult). The lead switches the suites to
 * the real `rstar-fleet worker` once that lands.
 */

export const PROBLEMS = 10;

/** Synthetic problems with two malformed lines (line 3: not JSON; line 6: no answer). */
export function writeCorpus(dir: string): string {
  const lines = Array.from({ length: PROBLEMS }, (_, i) => {
    const r = synthRecord(7, i);
    return JSON.stringify({
      id: `p${i}`,
      problem: r.problem,
      answer: r.answer,
      difficulty: r.difficulty,
    });
  });
  lines.splice(2, 0, '{"problem": "broken');
  lines.splice(5, 0, JSON.stringify({ problem: 'What is 1+1?' }));
  const path = join(dir, 'corpus.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * The train/deploy hook: logs its call next to the round directories, prints a log line, then
 * the result line (a model named after the hook and round, plus an audit). It fails while a file
 * `fail-hook` exists in `dir`.
 */
export function writeHookScript(dir: string): string {
  const path = join(dir, 'hook.js');
  writeFileSync(
    path,
    [
      'const [kind, round, sft, out] = process.argv.slice(2);',
      "const fs = require('node:fs');",
      `if (fs.existsSync(${JSON.stringify(join(dir, 'fail-hook'))})) { console.error('trainer crashed'); process.exit(2); }`,
      "const rows = fs.readFileSync(sft, 'utf8').split('\\n').filter(Boolean).length;",
      "fs.appendFileSync(out + '/../hook-calls.log', kind + ' ' + round + '\\n');",
      "console.log('training on ' + rows + ' rows');",
      "console.log(JSON.stringify({ policy: { model: 'policy-' + kind + '-r' + round }, audit: { rows } }));",
    ].join('\n'),
  );
  return path;
}

/** Two rounds: round 2 escalates unsolved problems (maxDepth 3 leaves plenty unsolved). */
export function planText(dir: string, redisUrl: string, prefix: string): string {
  const corpus = writeCorpus(dir);
  const hook = writeHookScript(dir);
  return `
name: orch-test
corpus: { path: ${corpus} }
store: { dir: ${join(dir, 'store')} }
redis: { url: ${redisUrl}, prefix: '${prefix}' }
defaults:
  policy: { endpoints: ['http://127.0.0.1:9'], model: sim-policy-r0 }
  qRule: terminal
  candidates: 2
  maxDepth: 3
  shardSize: 4
  hooks:
    train: { command: [node, ${hook}, train, '{round}', '{sft}', '{out}'] }
    deploy: { command: [node, ${hook}, deploy, '{round}', '{sft}', '{out}'] }
rounds:
  - { rollouts: 2 }
  - { rollouts: 1, escalation: [3] }
`;
}

const grader = {
  equal(pred: string, ref: string): boolean {
    const a = parseRational(pred);
    const b = parseRational(ref);
    return a !== null && b !== null && equalRational(a, b);
  },
};

export interface StandIn {
  worker: Worker;
  /** `round/shard` keys that fail for good (UnrecoverableError) while present. */
  poison: Set<string>;
  close(): Promise<void>;
}

/** STAND-IN for the rollout worker (see the file comment). */
export function startStandInWorker(
  store: ArtifactStore,
  redisUrl: string,
  prefix: string,
): StandIn {
  const protocol = compileStepProtocol();
  const sim = createSimPorts(() => DEFAULT_CHECKPOINT, protocol);
  const ports = { policy: sim.policy, executor: sim.executor, reward: sim.reward, grader };
  const poison = new Set<string>();
  const worker = new Worker(
    SHARD_QUEUE,
    async (job: Job<ShardJobData>): Promise<ShardJobResult> => {
      const data = job.data;
      if (poison.has(`${data.round}/${data.shard}`)) {
        throw new UnrecoverableError(`poison shard ${data.shard} (test)`);
      }
      const manifest = parseRoundManifest((await store.read(data.manifest)).toString(), {
        source: data.manifest,
      });
      const phase = manifest.phases.find((p) => p.phase === data.phase);
      if (phase === undefined) throw new Error(`no phase ${data.phase}`);
      const problems: ProblemRecord[] = [];
      for await (const line of store.lines(data.input)) {
        if (line.text !== '') problems.push(JSON.parse(line.text) as ProblemRecord);
      }
      const log = await openShardResults(store, data.run, data.round, data.shard);
      let written = 0;
      let skipped = 0;
      let solved = 0;
      try {
        for (const p of problems) {
          let hit = false;
          for (let t = 0; t < phase.trees; t++) {
            const seed = searchUnitSeed(manifest.search.seed, data.phase, t);
            if (log.has(searchUnitKey(p.id, seed))) {
              skipped++;
              continue;
            }
            const engine = createMcts(ports, {
              qRule: manifest.search.qRule,
              rollouts: phase.rollouts,
              candidates: manifest.search.candidates,
              maxDepth: manifest.search.maxDepth,
              seed,
              yieldEvery: 0,
            });
            const record = toRecord(
              await engine.search({ id: p.id, question: p.problem, reference: p.answer }),
            );
            hit ||= record.stats.solved;
            if ((await log.append(record)) === 'written') written++;
            else skipped++;
            await job.updateProgress({
              done: written + skipped,
              total: problems.length * phase.trees,
              solved,
              written,
              skipped,
            });
          }
          if (hit) solved++;
        }
      } finally {
        await log.close();
      }
      return { written, skipped, solved, problems: problems.length };
    },
    {
      connection: bullConnection({ url: redisUrl, role: 'worker', connectionName: 'stand-in' }),
      prefix,
      concurrency: 2,
    },
  );
  worker.on('error', () => {});
  return { worker, poison, close: () => worker.close() };
}

/** Every record of shards [0, shards) of a round (a shard that never ran has none). */
export async function readAll(
  store: ArtifactStore,
  run: string,
  round: number,
  shards: number,
): Promise<SearchRecord[]> {
  const records: SearchRecord[] = [];
  for (let s = 0; s < shards; s++) {
    try {
      for await (const r of readShardResults(store, run, round, s)) records.push(r);
    } catch {
      // no results file: the shard never ran
    }
  }
  return records;
}

export function jsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

export async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
