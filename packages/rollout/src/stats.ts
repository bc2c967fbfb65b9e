import type { EvalRunRecord, SearchRecord, TestTimeMode } from '@rstar-fleet/protocol';

/** Counter names of a worker, all monotonic (the host exports them as `_total` counters). */
export const ROLLOUT_COUNTERS = [
  'rollouts',
  'expansions',
  'executions',
  'promptTokens',
  'completionTokens',
  'ppmCalls',
  'unitsWritten',
  'unitsSkipped',
  'unitsSolved',
  'problemsSearched',
  'problemsSolved',
  'outageRetries',
  'unitRestarts',
  'shardsCompleted',
  'shardsFailed',
  'shardsCancelled',
] as const;
export type RolloutCounter = (typeof ROLLOUT_COUNTERS)[number];

/** How a branch of a written search ended (an answer split by the grader's verdict). */
export const TERMINAL_OUTCOMES = [
  'correct',
  'wrong',
  'code-error',
  'invalid',
  'depth-limit',
] as const;
export type TerminalOutcome = (typeof TERMINAL_OUTCOMES)[number];

/** Problems of one round: searched (all their units of a shard finished) and solved. */
export interface RoundProblemCounts {
  searched: number;
  solved: number;
}

/**
 * What a worker has done since it started, as plain numbers: the host turns them into metrics
 * (prom-client) without this package knowing about any exporter. Only the fields grow.
 */
export class RolloutStats {
  readonly totals: Record<RolloutCounter, number> = Object.fromEntries(
    ROLLOUT_COUNTERS.map((k) => [k, 0]),
  ) as Record<RolloutCounter, number>;
  /** Terminal nodes of written units by outcome. */
  readonly terminals: Record<TerminalOutcome, number> = Object.fromEntries(
    TERMINAL_OUTCOMES.map((k) => [k, 0]),
  ) as Record<TerminalOutcome, number>;
  /** problemsSearched / problemsSolved split by round (a handful of rounds per run). */
  readonly byRound = new Map<number, RoundProblemCounts>();
  /** Eval runs written (one problem under one test-time mode with one seed), by mode. */
  readonly evalRunsByMode = new Map<TestTimeMode, number>();
  /** Search units and eval runs running right now (all shard jobs of this worker). */
  unitsInFlight = 0;

  add(counter: RolloutCounter, n = 1): void {
    this.totals[counter] += n;
  }

  /** A problem's last unit of a shard finished (searched now or found written). */
  problemDone(round: number, solved: boolean): void {
    let counts = this.byRound.get(round);
    if (counts === undefined) {
      counts = { searched: 0, solved: 0 };
      this.byRound.set(round, counts);
    }
    counts.searched += 1;
    this.totals.problemsSearched += 1;
    if (solved) {
      counts.solved += 1;
      this.totals.problemsSolved += 1;
    }
  }

  /** A freshly written eval run record (its search is not a round's unit: counted apart). */
  evalRunWritten(record: Pick<EvalRunRecord, 'mode'>): void {
    this.evalRunsByMode.set(record.mode, (this.evalRunsByMode.get(record.mode) ?? 0) + 1);
  }

  /** Folds a freshly written search record in. */
  recordWritten(record: SearchRecord): void {
    const s = record.stats;
    this.totals.unitsWritten += 1;
    this.totals.rollouts += s.rollouts;
    this.totals.expansions += s.expansions;
    this.totals.executions += s.executions;
    this.totals.promptTokens += s.promptTokens;
    this.totals.completionTokens += s.completionTokens;
    this.totals.ppmCalls += s.ppmCalls;
    if (s.solved) this.totals.unitsSolved += 1;
    // `answer` terminals split by the grader's verdict.
    this.terminals.correct += s.correct;
    this.terminals.wrong += s.wrong;
    this.terminals['code-error'] += s.terminals['code-error'];
    this.terminals.invalid += s.terminals.invalid;
    this.terminals['depth-limit'] += s.terminals['depth-limit'];
  }
}
