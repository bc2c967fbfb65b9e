import type { SearchPorts } from '@rstar-fleet/mcts';
import { SearchCancelledError } from '@rstar-fleet/mcts';
import type { ShardProgress } from '@rstar-fleet/protocol';
import type { ResultLog } from '@rstar-fleet/store';
import { OutageBudgetExceededError } from './outage-budget-exceeded-error';
import { ShardCancelledError } from './shard-cancelled-error';
import type { CompiledRolloutOptions } from './options';
import { OutageClock, retryThroughOutages, type Clock, type OutageEvent } from './outage';
import { ProgressThrottle } from './progress';
import { dependencyClocks, retryingPorts } from './retrying-ports';
import { RolloutStats } from './stats';

/**
 * The part of a shard job that a round's shard (runShard: problem × tree) and an eval shard
 * (runEvalShard: problem × mode × run) share: exactly-once units in a results log, bounded
 * concurrency, riding out dependency outages, cancellation and throttled progress.
 */

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

/** One unit of a shard: searched once, its record appended once under `key`. */
export interface ShardUnit {
  readonly key: string;
  readonly problemId: string;
}

/** What a shard job hands the unit loop. */
export interface ShardUnits<U extends ShardUnit, R> {
  /** Names the shard in messages (`shard 3 of <run> round 1`). */
  what: string;
  /** Every unit of the shard, in the order they start. */
  units: readonly U[];
  openLog(): Promise<ResultLog<R>>;
  /** The log's complete records (read on a re-run, to count what earlier attempts solved). */
  readLog(): AsyncIterable<R>;
  /** The record's key in the log (the codec's id). */
  keyOf(record: R): string;
  /** Whether a record solved its problem (a correct answer in the tree; a correct eval run). */
  solved(record: R): boolean;
  /** The unit's ports, before outage retries are wrapped around them. */
  portsFor(unit: U): SearchPorts;
  /**
   * One attempt at the unit over `ports`: the record to append. An availability failure that no
   * call retry covered restarts the unit after a pause.
   */
  attempt(unit: U, ports: SearchPorts, signal: AbortSignal | undefined): Promise<R>;
  /** A record this attempt wrote (for the host's counters). */
  written?(record: R): void;
  /** A problem's last unit finished (searched now or found written), and whether it is solved. */
  problemDone?(solved: boolean): void;
  /** Runs once before the first unit to search; not at all when every unit is already written. */
  beforeFirst?(): Promise<void>;
}

/** What the host lends every shard job. */
export interface UnitsContext {
  options: CompiledRolloutOptions;
  clock: Clock;
  stats: RolloutStats;
  hooks: ShardHooks;
}

/** The shard's counts once every unit is in the log. */
export interface UnitsOutcome {
  progress: ShardProgress;
  /** Units whose record solved its problem, written or found written. */
  solvedUnits: number;
  problems: number;
}

/**
 * Runs every unit of a shard into its results log, exactly once across crashes and re-runs:
 * units already in the log are skipped, the rest run `problemsInFlight` at a time and each record
 * is appended (durably) as soon as its unit finishes. Availability failures are ridden out per
 * port call (retryingPorts: a tree keeps its finished rollouts), an outage measured per
 * dependency and reset by any success; whatever still fails for availability restarts the unit
 * (retryThroughOutages). The first other failure, or an outage longer than the budget
 * (OutageBudgetExceededError), stops new units, lets the running ones finish and is thrown.
 * ShardCancelledError when `hooks.signal` fired (units that finished are written, no other).
 */
export async function runShardUnits<U extends ShardUnit, R>(
  job: ShardUnits<U, R>,
  ctx: UnitsContext,
): Promise<UnitsOutcome> {
  const { options, clock, stats, hooks } = ctx;
  const { signal } = hooks;
  const log = await job.openLog();
  try {
    const tally = new ShardTally(job.units);
    const unitKeys = new Set(job.units.map((u) => u.key));
    const solvedBefore = log.size > 0 ? await solvedInLog(job, unitKeys) : new Set<string>();
    const pending: U[] = [];
    for (const unit of job.units) {
      // A problem whose units were all written before was counted done by that attempt.
      if (log.has(unit.key)) tally.finished(unit.problemId, 'skipped', solvedBefore.has(unit.key));
      else pending.push(unit);
    }
    stats.add('unitsSkipped', job.units.length - pending.length);

    const progress = new ProgressThrottle(hooks.progress, options.progressIntervalMs, () =>
      clock.now(),
    );
    progress.update(tally.progress(), true);
    if (pending.length > 0) await job.beforeFirst?.();
    throwIfCancelled(signal, job.what);

    const outagePolicy = {
      budgetMs: options.outageBudgetMs,
      baseDelayMs: options.outageBaseDelayMs,
      maxDelayMs: options.outageMaxDelayMs,
    };
    const outages = dependencyClocks(clock);

    const runUnit = async (unit: U): Promise<void> => {
      const unitWhat = `unit ${unit.key} of ${job.what}`;
      const ports = retryingPorts(job.portsFor(unit), {
        policy: outagePolicy,
        clock,
        outages,
        what: unitWhat,
        onOutage: (event) => {
          stats.add('outageRetries');
          hooks.onOutage?.({ ...event, unit: unit.key });
        },
      });
      // The fallback for an availability failure outside a port call's retry: the unit again.
      const record = await retryThroughOutages(
        () => job.attempt(unit, ports, signal),
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
      const outcome = await log.append(record);
      if (outcome === 'written') job.written?.(record);
      const problemDone = tally.finished(unit.problemId, outcome, job.solved(record));
      if (problemDone !== null) job.problemDone?.(problemDone);
      progress.update(tally.progress());
    };

    const failure = await runBounded(pending, options.problemsInFlight, signal, stats, runUnit);
    progress.update(tally.progress(), true);
    if (signal?.aborted === true) {
      const p = tally.progress();
      throw new ShardCancelledError(`${job.what} cancelled after ${p.done} of ${p.total} units`, {
        cause: signal.reason,
      });
    }
    if (failure !== undefined) throw failure.error;
    return { progress: tally.progress(), solvedUnits: tally.solvedUnits, problems: tally.problems };
  } finally {
    await closeQuietly(log);
  }
}

/**
 * Runs a shard job with the host's stats (or its own, for a host that keeps none) and counts it
 * there as completed, cancelled or failed once it settles.
 */
export async function countedShard<T>(
  hostStats: RolloutStats | undefined,
  job: (stats: RolloutStats) => Promise<T>,
): Promise<T> {
  const stats = hostStats ?? new RolloutStats();
  try {
    const result = await job(stats);
    stats.add('shardsCompleted');
    return result;
  } catch (err) {
    stats.add(err instanceof ShardCancelledError ? 'shardsCancelled' : 'shardsFailed');
    throw err;
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) {
    throw new ShardCancelledError(`${what} cancelled`, { cause: signal.reason });
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

/**
 * Counts per shard: units done, units that solved their problem, and problems done and solved (a
 * problem is done with its last unit).
 */
class ShardTally {
  private readonly remaining = new Map<string, number>();
  private readonly solvedIds = new Set<string>();
  private written = 0;
  private skippedUnits = 0;
  solvedUnits = 0;

  constructor(private readonly units: readonly ShardUnit[]) {
    for (const u of units)
      this.remaining.set(u.problemId, (this.remaining.get(u.problemId) ?? 0) + 1);
  }

  get problems(): number {
    return this.remaining.size;
  }

  /** Returns whether the problem is solved once its last unit is in, else null. */
  finished(problemId: string, outcome: 'written' | 'skipped', solved: boolean): boolean | null {
    if (outcome === 'written') this.written += 1;
    else this.skippedUnits += 1;
    if (solved) {
      this.solvedUnits += 1;
      this.solvedIds.add(problemId);
    }
    const left = (this.remaining.get(problemId) ?? 1) - 1;
    this.remaining.set(problemId, left);
    return left === 0 ? this.solvedIds.has(problemId) : null;
  }

  progress(): ShardProgress {
    return {
      done: this.written + this.skippedUnits,
      total: this.units.length,
      solved: this.solvedIds.size,
      written: this.written,
      skipped: this.skippedUnits,
    };
  }
}

/** Keys of this shard's units already in the log whose record solved its problem. */
async function solvedInLog<R>(
  job: ShardUnits<ShardUnit, R>,
  unitKeys: ReadonlySet<string>,
): Promise<Set<string>> {
  const solved = new Set<string>();
  for await (const record of job.readLog()) {
    const key = job.keyOf(record);
    if (job.solved(record) && unitKeys.has(key)) solved.add(key);
  }
  return solved;
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

async function closeQuietly(log: ResultLog<unknown>): Promise<void> {
  try {
    await log.close();
  } catch {
    // appends already resolved are durable; a failed close only loses the lock file's removal
  }
}
