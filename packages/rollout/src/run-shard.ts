import type { ProblemRecord } from '@rstar-fleet/corpus';
import { SearchCancelledError, toRecord } from '@rstar-fleet/mcts';
import {
  InvalidInputError,
  searchUnitKey,
  searchUnitSeed,
  type RoundManifest,
  type RoundPhase,
  type ShardJobData,
  type ShardJobResult,
  type ShardProgress,
} from '@rstar-fleet/protocol';
import {
  openShardResults,
  readShardProblems,
  readShardResults,
  shardResults,
  type ArtifactStore,
  type ShardResultWriter,
} from '@rstar-fleet/store';
import { createUnitEngine } from './engine';
import { OutageBudgetExceededError, ShardCancelledError } from './errors';
import type { PortsProvider } from './fleet-ports';
import { checkPhase, type ManifestCache } from './manifests';
import type { CompiledRolloutOptions } from './options';
import {
  OutageClock,
  realClock,
  retryThroughOutages,
  type Clock,
  type OutageEvent,
} from './outage';
import { ProgressThrottle } from './progress';
import { dependencyClocks, retryingPorts } from './retrying-ports';
import { RolloutStats } from './stats';

/** What runShard needs from its host; one set serves every job of a worker. */
export interface ShardDeps {
  store: ArtifactStore;
  manifests: ManifestCache;
  ports: PortsProvider;
  /** Compiled once by the host with compileRolloutOptions. */
  options: CompiledRolloutOptions;
  stats?: RolloutStats;
  clock?: Clock;
}

/** Per-job callbacks and cancellation. */
export interface ShardHooks {
  /** Stops the shard: no new units start, in-flight searches are cancelled, nothing half-written. */
  signal?: AbortSignal;
  /** Throttled (options.progressIntervalMs); never awaited by the search. */
  progress?: (progress: ShardProgress) => void | Promise<void>;
  /**
   * A dependency was unavailable: `scope: 'call'`, one port call of the unit (`port`) is sent
   * again after a pause, the search keeps what it has; `scope: 'unit'`, the unit failed in a way
   * no call retry covered and is searched again after a pause.
   */
  onOutage?: (event: OutageEvent & { unit: string }) => void;
}

/** One search unit: tree `tree` of a problem in the shard's phase. */
interface Unit {
  problem: ProblemRecord;
  tree: number;
  seed: number;
  key: string;
}

/**
 * Searches every unit of one shard into its results log, exactly once across crashes and
 * re-runs: units already in the log are skipped, the rest run `problemsInFlight` at a time and
 * each record is appended (durably) as soon as its search finishes. Availability failures are
 * ridden out per port call (retryingPorts: the tree keeps its finished rollouts), an outage
 * measured per dependency and reset by any success; whatever still fails for availability
 * restarts the unit (retryThroughOutages). The first other failure, or an outage longer than
 * the budget (OutageBudgetExceededError), stops new units, lets the running ones finish and is
 * thrown. Throws InvalidInputError / NotFoundError for a poison shard
 * (isPoisonShardError), ShardCancelledError when `hooks.signal` fired.
 */
export async function runShard(
  data: ShardJobData,
  deps: ShardDeps,
  hooks: ShardHooks = {},
): Promise<ShardJobResult> {
  const stats = deps.stats ?? new RolloutStats();
  try {
    const result = await searchShard(data, deps, stats, hooks);
    stats.add('shardsCompleted');
    return result;
  } catch (err) {
    stats.add(err instanceof ShardCancelledError ? 'shardsCancelled' : 'shardsFailed');
    throw err;
  }
}

async function searchShard(
  data: ShardJobData,
  deps: ShardDeps,
  stats: RolloutStats,
  hooks: ShardHooks,
): Promise<ShardJobResult> {
  const { options } = deps;
  const clock = deps.clock ?? realClock;
  const { signal } = hooks;
  const what = `shard ${data.shard} of ${data.run} round ${data.round}`;
  throwIfCancelled(signal, what);

  const { manifest, phase } = await deps.manifests.phaseOf(data.manifest, data.shard);
  checkJob(data, manifest, phase);
  const problems = await readShardProblems(deps.store, data.input);
  throwIfCancelled(signal, what);

  const log = await openShardResults(deps.store, data.run, data.round, data.shard);
  try {
    const units = problems.flatMap((problem) =>
      Array.from({ length: phase.trees }, (_, tree): Unit => {
        const seed = searchUnitSeed(manifest.search.seed, phase.phase, tree);
        return { problem, tree, seed, key: searchUnitKey(problem.id, seed) };
      }),
    );
    const tally = new ShardTally(problems, phase.trees);
    const pending: Unit[] = [];
    const unitKeys = new Set(units.map((u) => u.key));
    const solvedBefore = log.size > 0 ? await solvedInLog(deps, data, unitKeys) : new Set();
    for (const unit of units) {
      if (log.has(unit.key)) tally.skipped(unit.problem.id, solvedBefore.has(unit.key));
      else pending.push(unit);
    }
    stats.add('unitsSkipped', units.length - pending.length);

    const progress = new ProgressThrottle(hooks.progress, options.progressIntervalMs, () =>
      clock.now(),
    );
    progress.update(tally.progress(), true);

    const outagePolicy = {
      budgetMs: options.outageBudgetMs,
      baseDelayMs: options.outageBaseDelayMs,
      maxDelayMs: options.outageMaxDelayMs,
    };
    const outages = dependencyClocks(clock);

    const searchUnit = async (unit: Unit): Promise<void> => {
      const unitWhat = `unit ${unit.key} of ${what}`;
      const ports = retryingPorts(deps.ports.portsFor(manifest, unit.problem.id), {
        policy: outagePolicy,
        clock,
        outages,
        what: unitWhat,
        onOutage: (event) => {
          stats.add('outageRetries');
          hooks.onOutage?.({ ...event, unit: unit.key });
        },
      });
      const engine = createUnitEngine(manifest, phase, unit.seed, ports, options);
      const problem = {
        id: unit.problem.id,
        question: unit.problem.problem,
        reference: unit.problem.answer,
      };
      // The fallback for an availability failure outside a port call's retry: the unit again.
      const result = await retryThroughOutages(
        () => engine.search(problem, signal === undefined ? {} : { signal }),
        outagePolicy,
        clock,
        signal,
        (event) => {
          stats.add('outageRetries');
          stats.add('unitRestarts');
          hooks.onOutage?.({ ...event, scope: 'unit', unit: unit.key });
        },
        unitWhat,
        new OutageClock(clock),
      ).catch((err: unknown) => {
        // A spent outage budget is the shard's failure, whichever port call ran into it.
        throw budgetExceededIn(err) ?? err;
      });
      const record = toRecord(result);
      const outcome = await log.append(record);
      if (outcome === 'written') stats.recordWritten(record);
      const problemDone = tally.finished(unit.problem.id, outcome, record.stats.solved);
      if (problemDone !== null) stats.problemDone(data.round, problemDone);
      progress.update(tally.progress());
    };

    const failure = await runBounded(pending, options.problemsInFlight, signal, stats, searchUnit);
    progress.update(tally.progress(), true);
    if (signal?.aborted === true) {
      const p = tally.progress();
      throw new ShardCancelledError(`${what} cancelled after ${p.done} of ${p.total} units`, {
        cause: signal.reason,
      });
    }
    if (failure !== undefined) throw failure.error;
    const p = tally.progress();
    return { written: p.written, skipped: p.skipped, solved: p.solved, problems: problems.length };
  } finally {
    await closeQuietly(log);
  }
}

/**
 * Runs `work` over `items`, at most `limit` at once, in order. After the first failure (or
 * cancellation) no new item starts; running ones finish. Resolves with the first failure.
 */
async function runBounded<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  stats: RolloutStats,
  work: (item: T) => Promise<void>,
): Promise<{ error: unknown } | undefined> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && !aborted(signal) && next < items.length) {
      const item = items[next++] as T;
      stats.unitsInFlight += 1;
      try {
        await work(item);
      } catch (error) {
        const cancelled =
          error instanceof SearchCancelledError || error instanceof ShardCancelledError;
        if (!(cancelled && aborted(signal))) failure ??= { error };
      } finally {
        stats.unitsInFlight -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return failure;
}

/** Counts per shard: units done, and problems done and solved (a problem is done with its last unit). */
class ShardTally {
  private readonly remaining = new Map<string, number>();
  private readonly solvedIds = new Set<string>();
  private written = 0;
  private skippedUnits = 0;
  private readonly total: number;

  constructor(problems: readonly ProblemRecord[], trees: number) {
    for (const p of problems) this.remaining.set(p.id, trees);
    this.total = problems.length * trees;
  }

  skipped(problemId: string, solved: boolean): void {
    this.skippedUnits += 1;
    this.done(problemId, solved);
  }

  /** Returns whether the problem is solved once its last unit is in, else null. */
  finished(problemId: string, outcome: 'written' | 'skipped', solved: boolean): boolean | null {
    if (outcome === 'written') this.written += 1;
    else this.skippedUnits += 1;
    return this.done(problemId, solved);
  }

  progress(): ShardProgress {
    return {
      done: this.written + this.skippedUnits,
      total: this.total,
      solved: this.solvedIds.size,
      written: this.written,
      skipped: this.skippedUnits,
    };
  }

  private done(problemId: string, solved: boolean): boolean | null {
    if (solved) this.solvedIds.add(problemId);
    const left = (this.remaining.get(problemId) ?? 1) - 1;
    this.remaining.set(problemId, left);
    return left === 0 ? this.solvedIds.has(problemId) : null;
  }
}

/** Unit keys of this shard's records already in the log that solved their problem. */
async function solvedInLog(
  deps: ShardDeps,
  data: ShardJobData,
  unitKeys: ReadonlySet<string>,
): Promise<Set<string>> {
  const solved = new Set<string>();
  for await (const record of readShardResults(deps.store, data.run, data.round, data.shard)) {
    const key = searchUnitKey(record.problemId, record.search.seed);
    if (record.stats.solved && unitKeys.has(key)) solved.add(key);
  }
  return solved;
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

/** The OutageBudgetExceededError in `err`'s cause chain (the engine wraps it in PortError). */
function budgetExceededIn(err: unknown): OutageBudgetExceededError | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e !== null && e !== undefined && !seen.has(e);) {
    if (e instanceof OutageBudgetExceededError) return e;
    seen.add(e);
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A function, so that TypeScript does not narrow `aborted` across awaits. */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) {
    throw new ShardCancelledError(`${what} cancelled`, { cause: signal.reason });
  }
}

async function closeQuietly(log: ShardResultWriter): Promise<void> {
  try {
    await log.close();
  } catch {
    // appends already resolved are durable; a failed close only loses the lock file's removal
  }
}
