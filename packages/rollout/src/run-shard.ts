import type { ProblemRecord } from '@rstar-fleet/corpus';
import { toRecord } from '@rstar-fleet/mcts';
import {
  InvalidInputError,
  searchUnitKey,
  searchUnitKeyOf,
  searchUnitSeed,
  type RoundManifest,
  type RoundPhase,
  type SearchRecord,
  type ShardJobData,
  type ShardJobResult,
} from '@rstar-fleet/protocol';
import {
  openShardResults,
  readShardProblems,
  readShardResults,
  shardResults,
  type ArtifactStore,
} from '@rstar-fleet/store';
import { createUnitEngine } from './engine';
import type { PortsProvider } from './fleet-ports';
import { checkPhase, type ManifestCache } from './manifests';
import type { CompiledRolloutOptions } from './options';
import { realClock, type Clock } from './outage';
import { countedShard, runShardUnits, throwIfCancelled, type ShardHooks } from './shard-units';
import type { RolloutStats } from './stats';

export type { ShardHooks } from './shard-units';

/** What runShard (and runEvalShard) need from their host; one set serves every job of a worker. */
export interface ShardDeps {
  store: ArtifactStore;
  manifests: ManifestCache;
  ports: PortsProvider;
  /** Compiled once by the host with compileRolloutOptions. */
  options: CompiledRolloutOptions;
  stats?: RolloutStats;
  clock?: Clock;
}

/** One search unit: tree `tree` of a problem in the shard's phase. */
interface Unit {
  problem: ProblemRecord;
  problemId: string;
  tree: number;
  seed: number;
  key: string;
}

/**
 * Searches every unit (problem × tree) of one round shard into its results log, exactly once
 * across crashes and re-runs, riding out dependency outages (runShardUnits says how). Throws
 * InvalidInputError / NotFoundError for a poison shard (isPoisonShardError), ShardCancelledError
 * when `hooks.signal` fired, OutageBudgetExceededError past the outage budget.
 */
export function runShard(
  data: ShardJobData,
  deps: ShardDeps,
  hooks: ShardHooks = {},
): Promise<ShardJobResult> {
  return countedShard(deps.stats, (stats) => searchShard(data, deps, stats, hooks));
}

async function searchShard(
  data: ShardJobData,
  deps: ShardDeps,
  stats: RolloutStats,
  hooks: ShardHooks,
): Promise<ShardJobResult> {
  const { options } = deps;
  const what = `shard ${data.shard} of ${data.run} round ${data.round}`;
  throwIfCancelled(hooks.signal, what);

  const { manifest, phase } = await deps.manifests.phaseOf(data.manifest, data.shard);
  checkJob(data, manifest, phase);
  const problems = await readShardProblems(deps.store, data.input);
  throwIfCancelled(hooks.signal, what);

  const units = problems.flatMap((problem) =>
    Array.from({ length: phase.trees }, (_, tree): Unit => {
      const seed = searchUnitSeed(manifest.search.seed, phase.phase, tree);
      return { problem, problemId: problem.id, tree, seed, key: searchUnitKey(problem.id, seed) };
    }),
  );
  const { progress } = await runShardUnits<Unit, SearchRecord>(
    {
      what,
      units,
      openLog: () => openShardResults(deps.store, data.run, data.round, data.shard),
      readLog: () => readShardResults(deps.store, data.run, data.round, data.shard),
      keyOf: searchUnitKeyOf,
      solved: (record) => record.stats.solved,
      portsFor: (unit) => deps.ports.portsFor(manifest, unit.problemId),
      attempt: async (unit, ports, signal) => {
        const engine = createUnitEngine(manifest, phase, unit.seed, ports, options);
        const problem = {
          id: unit.problem.id,
          question: unit.problem.problem,
          reference: unit.problem.answer,
        };
        return toRecord(await engine.search(problem, signal === undefined ? {} : { signal }));
      },
      written: (record) => stats.recordWritten(record),
      problemDone: (solved) => stats.problemDone(data.round, solved),
    },
    { options, clock: deps.clock ?? realClock, stats, hooks },
  );
  return {
    written: progress.written,
    skipped: progress.skipped,
    solved: progress.solved,
    problems: problems.length,
  };
}

/** The job must agree with its manifest: same run and round, the shard's phase, its results key. */
function checkJob(data: ShardJobData, manifest: RoundManifest, phase: RoundPhase): void {
  if (manifest.run !== data.run || manifest.round !== data.round) {
    throw new InvalidInputError(
      `manifest is run ${manifest.run} round ${manifest.round}, the job says ${data.run} round ${data.round}`,
      { source: data.manifest, field: 'run' },
    );
  }
  checkPhase(data.manifest, data.shard, data.phase, phase);
  const expected = shardResults(data.run, data.round, data.shard);
  if (data.results !== expected) {
    throw new InvalidInputError(`expected results key ${expected}, got ${data.results}`, {
      field: 'results',
    });
  }
}
