import type { ProblemRecord } from '@rstar-fleet/corpus';
import { createExtractor } from '@rstar-fleet/mcts';
import {
  NotFoundError,
  shardJobId,
  type RoundManifest,
  type SearchRecord,
  type SearchSettings,
} from '@rstar-fleet/protocol';
import {
  readShardProblems,
  readShardResults,
  roundFile,
  shardInput,
  type ArtifactStore,
} from '@rstar-fleet/store';
import type { FleetContext } from './context';
import { readManifest } from './manifest';
import { readRunState, type FailedShard } from './run-state';
import { group, percent, type RoundStats } from './stats';

const YIELD_EVERY = 200;

export interface ExtractOptions {
  /** When the round started (wall time); default run.json's. */
  startedAt?: string | null;
  /** Failed shards; default: read from the shard jobs (BullMQ's failedReason). */
  failures?: FailedShard[];
}

/**
 * Extracts a round's datasets from every search record of every phase, with the real extractor:
 * `sft.jsonl`, `ppm_pairs.jsonl`, `unsolved.jsonl` (problems with no correct unit, as problem
 * records) and `stats.json`. Whole files written atomically, so running it again (a crash mid
 * completion, a requeued shard that finished later) replaces them consistently.
 *
 * Rows come out in a fixed order whatever the workers, shard size or timing: phase by phase,
 * shards in order (contiguous slices of the phase-0 problem order), and inside a shard the
 * records sorted by the problem's place in the shard file, then the unit's seed (a results log
 * is in completion order). With sequential rollouts per tree a unit's record depends only on its
 * seed, so the datasets are byte-identical across such runs.
 */
export async function extractRound(
  ctx: Pick<FleetContext, 'store' | 'shards'>,
  run: string,
  round: number,
  options: ExtractOptions = {},
): Promise<RoundStats> {
  const { store } = ctx;
  const manifest = await readManifest(store, run, round);
  if (manifest === null)
    throw new NotFoundError(`run ${run} has no round ${round} (no round.json)`);
  const state = await readRunState(store, run);
  const roundState = state?.rounds.find((r) => r.round === round);
  const failures = options.failures ?? (await failedShardsOf(ctx, manifest));

  // Memory stays bounded by the id sets: rows stream into the dataset objects as they are
  // extracted, and problems are read back one shard at a time.
  const solved = new Set<string>();
  const seen = new Set<string>();
  const extractor = createExtractor();
  const engines = new Map<string, EngineSettings>();
  const sft = await store.openWriter(roundFile(run, round, 'sft.jsonl'));
  const pairs = await store.openWriter(roundFile(run, round, 'ppm_pairs.jsonl'));
  const unsolved = await store.openWriter(roundFile(run, round, 'unsolved.jsonl'));
  const writers = [sft, pairs, unsolved];
  const totals = {
    records: 0,
    rollouts: 0,
    expansions: 0,
    prompt: 0,
    completion: 0,
    exec: 0,
    ppm: 0,
  };
  const phases: RoundStats['phases'] = [];
  const bySource = new Map<string, [number, number]>();
  const byDifficulty = new Map<string, [number, number]>();
  let problemCount = 0;
  let solvedCount = 0;
  let missing = 0;
  try {
    for (const phase of manifest.phases) {
      let records = 0;
      for (let s = phase.firstShard; s < phase.firstShard + phase.shards; s++) {
        for (const record of await sortedShardRecords(store, manifest, s)) {
          records++;
          const engine = engineSettingsOf(record.search);
          engines.set(JSON.stringify(engine), engine);
          // Extraction is CPU work: yield now and then so the round job's lock keeps renewing.
          if (records % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
          seen.add(record.problemId);
          if (record.stats.solved) solved.add(record.problemId);
          const data = extractor.extract(record);
          for (const row of data.sft) await sft.writeLine(JSON.stringify(row));
          for (const row of data.pairs) await pairs.writeLine(JSON.stringify(row));
          totals.rollouts += record.stats.rollouts;
          totals.expansions += record.stats.expansions;
          totals.prompt += record.stats.promptTokens;
          totals.completion += record.stats.completionTokens;
          totals.exec += record.stats.executions;
          totals.ppm += record.stats.ppmCalls;
        }
      }
      totals.records += records;
      phases.push({
        phase: phase.phase,
        rollouts: phase.rollouts,
        trees: phase.trees,
        shards: phase.shards,
        problems: phase.problems,
        records,
        solvedAfter: solved.size,
      });
    }
    for await (const p of streamPhaseProblems(store, manifest, 0)) {
      problemCount++;
      const ok = solved.has(p.id);
      if (ok) solvedCount++;
      else await unsolved.writeLine(JSON.stringify(p));
      if (!seen.has(p.id)) missing++;
      bump(bySource, p.source, ok);
      bump(byDifficulty, difficultyOf(p), ok);
    }
    for (const w of writers) await w.commit();
  } catch (err) {
    await Promise.all(writers.map((w) => w.abort()));
    throw err;
  }
  const ingest = state?.ingest ?? null;
  const startedAt = options.startedAt ?? roundState?.startedAt ?? null;
  const stats: RoundStats = {
    v: 1,
    run,
    round,
    problems: problemCount,
    solved: solvedCount,
    solvedPercent: percent(solvedCount, problemCount),
    missing,
    bySource: groups(bySource),
    byDifficulty: groups(byDifficulty),
    records: totals.records,
    rollouts: totals.rollouts,
    expansions: totals.expansions,
    tokens: {
      prompt: totals.prompt,
      completion: totals.completion,
      total: totals.prompt + totals.completion,
    },
    sandboxExecutions: totals.exec,
    ppmCalls: totals.ppm,
    sftRows: sft.lines,
    pairs: pairs.lines,
    unsolved: unsolved.lines,
    phases,
    wallTimeSeconds:
      startedAt === null ? null : Math.max(0, (Date.now() - Date.parse(startedAt)) / 1000),
    failedShards: failures.map((f) => ({ shard: f.shard, phase: f.phase, reason: f.reason })),
    rejects: {
      total: ingest?.rejects ?? 0,
      byReason: ingest?.rejectsByReason ?? {},
      duplicates: ingest?.duplicates ?? 0,
    },
    extractedAt: new Date().toISOString(),
    settings: {
      search: manifest.search,
      sampling: manifest.sampling,
      shards: manifest.shards,
      engine: [...engines.values()],
      extraction: extractor.options,
    },
  };
  await store.write(roundFile(run, round, 'stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
  return stats;
}

type EngineSettings = Omit<SearchSettings, 'seed' | 'rollouts'>;

/** What shaped a unit's search besides its seed and its phase's budget (in `phases`). */
function engineSettingsOf(settings: SearchSettings): EngineSettings {
  const { seed: _seed, rollouts: _rollouts, ...engine } = settings;
  return Object.fromEntries(
    Object.entries(engine).sort(([a], [b]) => a.localeCompare(b)),
  ) as EngineSettings;
}

/** One shard's records in problem order (the shard file's), then seed order. */
async function sortedShardRecords(
  store: ArtifactStore,
  manifest: RoundManifest,
  shard: number,
): Promise<SearchRecord[]> {
  const records: SearchRecord[] = [];
  for await (const record of readShardResultsIfAny(store, manifest.run, manifest.round, shard)) {
    records.push(record);
  }
  if (records.length === 0) return records;
  const place = new Map<string, number>();
  const problems = await readShardProblems(store, shardInput(manifest.run, manifest.round, shard));
  problems.forEach((p, i) => place.set(p.id, i));
  const at = (r: SearchRecord): number => place.get(r.problemId) ?? Number.MAX_SAFE_INTEGER;
  return records.sort(
    (a, b) =>
      at(a) - at(b) ||
      (a.problemId < b.problemId ? -1 : a.problemId > b.problemId ? 1 : 0) ||
      a.search.seed - b.search.seed,
  );
}

function bump(map: Map<string, [number, number]>, key: string, ok: boolean): void {
  const v = map.get(key) ?? [0, 0];
  v[0]++;
  if (ok) v[1]++;
  map.set(key, v);
}

function groups(map: Map<string, [number, number]>): RoundStats['bySource'] {
  return Object.fromEntries(
    [...map.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, [n, s]]) => [k, group(n, s)]),
  );
}

export function difficultyOf(p: ProblemRecord): string {
  const d = p.meta?.difficulty ?? p.meta?.level;
  return d === undefined ? 'unknown' : String(d);
}

/** The problems of one phase, streamed one shard file at a time, in order. */
export async function* streamPhaseProblems(
  store: ArtifactStore,
  manifest: RoundManifest,
  phaseNo: number,
): AsyncGenerator<ProblemRecord> {
  const phase = manifest.phases.find((p) => p.phase === phaseNo);
  if (phase === undefined) return;
  for (let s = phase.firstShard; s < phase.firstShard + phase.shards; s++) {
    yield* await readShardProblems(store, shardInput(manifest.run, manifest.round, s));
  }
}

/** A shard's records; none when its results file was never created (the shard never ran). */
export async function* readShardResultsIfAny(
  store: ArtifactStore,
  run: string,
  round: number,
  shard: number,
): AsyncGenerator<SearchRecord> {
  try {
    yield* readShardResults(store, run, round, shard);
  } catch (err) {
    if (err instanceof NotFoundError) return;
    throw err;
  }
}

/** Shards of the round whose jobs are failed now, with BullMQ's failedReason. */
export async function failedShardsOf(
  ctx: Pick<FleetContext, 'shards'>,
  manifest: RoundManifest,
): Promise<FailedShard[]> {
  const out: FailedShard[] = [];
  for (const phase of manifest.phases) {
    for (let s = phase.firstShard; s < phase.firstShard + phase.shards; s++) {
      const job = await ctx.shards.getJob(shardJobId(manifest.run, manifest.round, s));
      if (job === undefined) continue;
      if ((await job.getState()) === 'failed') {
        out.push({ shard: s, phase: phase.phase, reason: job.failedReason ?? 'unknown' });
      }
    }
  }
  return out;
}
