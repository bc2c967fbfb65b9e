import type { CompiledExtractionOptions } from '@rstar-fleet/mcts';
import type { RoundManifest, SearchSettings } from '@rstar-fleet/protocol';
import type { RoundEval } from './run-state';

/** Solved counts of one group of problems (a source, a difficulty). */
export interface GroupStats {
  problems: number;
  solved: number;
  /** 0–100, one decimal. */
  solvedPercent: number;
}

/** `runs/<run>/round-<r>/stats.json`. */
export interface RoundStats {
  v: 1;
  run: string;
  round: number;
  problems: number;
  solved: number;
  solvedPercent: number;
  /** Problems with no search record at all (their shard failed for good). */
  missing: number;
  bySource: Record<string, GroupStats>;
  /** By `meta.difficulty` when the corpus has it (else `unknown`). */
  byDifficulty: Record<string, GroupStats>;
  /** Search records (units) read. */
  records: number;
  rollouts: number;
  expansions: number;
  tokens: { prompt: number; completion: number; total: number };
  sandboxExecutions: number;
  ppmCalls: number;
  sftRows: number;
  pairs: number;
  unsolved: number;
  phases: {
    phase: number;
    rollouts: number;
    trees: number;
    shards: number;
    problems: number;
    records: number;
    /** Problems of the round solved once this phase's records are counted. */
    solvedAfter: number;
  }[];
  /** From the round's start to its extraction; null when the start is unknown. */
  wallTimeSeconds: number | null;
  failedShards: { shard: number; phase: number; reason: string }[];
  rejects: { total: number; byReason: Record<string, number>; duplicates: number };
  extractedAt: string;
  /**
   * Every setting that shaped the round's datasets: the manifest's search, sampling and shard
   * settings (the per-phase budgets are in `phases`), the engine settings the records carry
   * (each distinct set once; one unless workers disagreed) and the extraction options.
   */
  settings: {
    search: RoundManifest['search'];
    sampling: RoundManifest['sampling'];
    shards: RoundManifest['shards'];
    engine: Omit<SearchSettings, 'seed' | 'rollouts'>[];
    extraction: CompiledExtractionOptions;
  };
  /**
   * The plan's evaluation of the models this round trained (`evaluate:`), added once its report
   * is written (after the deploy hook, so after the rest of this file): what the round bought.
   * Absent when the plan does not evaluate or the evaluation has not reported yet.
   */
  evaluation?: {
    /** Store key of the report every number comes from. */
    report: string;
    accuracy: RoundEval['accuracy'];
  };
}

export function group(problems: number, solved: number): GroupStats {
  return { problems, solved, solvedPercent: percent(solved, problems) };
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}
