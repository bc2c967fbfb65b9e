import { InvalidInputError, type SearchRecord } from '@rstar-fleet/protocol';
import type { SearchPorts } from '../ports';
import { toRecord } from '../record';
import { createBeamSearch } from '../search/beam';
import { createMcts } from '../search/mcts';
import { normalizeProblem, type NormalizedProblem } from '../search/problem';
import type { SearchResult } from '../search/result';
import { chooseAnswer, type SelectedAnswer } from './answer-selection';
import { PPM_MODES, type CompiledTestTimeOptions } from './options';
import { bestAnswerOf, type RunAnswer } from './run-answer';
import { sampleSolution } from './solution';

/** A problem at test time: no reference answer reaches the search. */
export interface TestTimeProblem {
  id: string;
  question: string;
}

/** One run of one problem: what an eval shard stores per (problem, seed). */
export interface RunOutcome {
  readonly run: number;
  /** The run's search seed: the options' seed + run. */
  readonly seed: number;
  /** The run's answer (highest PPM, or the solution's), null when it reached none. */
  readonly answer: RunAnswer | null;
  /** The run's whole tree (a one-path tree for a sampled solution). */
  readonly record: SearchRecord;
}

/** What a problem cost, summed over its runs (from the records' stats). */
export interface TestTimeCost {
  policyCalls: number;
  candidates: number;
  executions: number;
  ppmCalls: number;
  ppmScored: number;
  promptTokens: number;
  completionTokens: number;
}

export interface TestTimeOutcome {
  readonly mode: CompiledTestTimeOptions['mode'];
  readonly problemId: string;
  readonly question: string;
  /** The final answer; null when no run reached an answer. */
  readonly answer: SelectedAnswer | null;
  readonly runs: readonly RunOutcome[];
  readonly cost: TestTimeCost;
}

export interface TestTimeCall {
  signal?: AbortSignal;
  /** After each run, in completion order (progress for the host). */
  onRun?: (outcome: RunOutcome) => void;
}

/**
 * Checks that the ports serve the mode: system2, best-of-n and beam score with the PPM. (For
 * `greedy` the host passes a policy that decodes at temperature 0: sampling settings belong to
 * the policy client, not to the search.)
 */
export function checkTestTimePorts(ports: SearchPorts, options: CompiledTestTimeOptions): void {
  if (PPM_MODES.includes(options.mode) && ports.reward === undefined) {
    throw new InvalidInputError(`test-time mode ${options.mode} needs a PPM (reward port)`, {
      field: 'ports.reward',
    });
  }
}

/** Run `run` of `problem` under the options' mode, seeded `seed + run`. */
export async function runTestTime(
  ports: SearchPorts,
  options: CompiledTestTimeOptions,
  problem: TestTimeProblem,
  run: number,
  signal?: AbortSignal,
): Promise<RunOutcome> {
  checkTestTimePorts(ports, options);
  const target = testTimeProblem(problem);
  const seed = options.seed + run;
  const result = await searchOnce(ports, options, target, seed, signal);
  const record = toRecord(result);
  return { run, seed, answer: bestAnswerOf(run, record.nodes), record };
}

function searchOnce(
  ports: SearchPorts,
  options: CompiledTestTimeOptions,
  problem: NormalizedProblem,
  seed: number,
  signal: AbortSignal | undefined,
): Promise<SearchResult> {
  const call = signal === undefined ? {} : { signal };
  switch (options.mode) {
    case 'system2': {
      const m = options.mcts;
      return createMcts(ports, {
        qRule: m.qRule,
        candidates: m.candidates,
        rollouts: m.rollouts,
        maxDepth: m.maxDepth,
        c: m.c,
        unvisited: m.unvisited,
        concurrency: m.concurrency,
        yieldEvery: m.yieldEvery,
        collapseAnswers: m.collapseAnswers,
        protocol: options.protocol,
        seed,
      }).search(problem, call);
    }
    case 'beam': {
      const b = options.beam;
      return createBeamSearch(ports, {
        candidates: b.candidates,
        beamWidth: b.beamWidth,
        maxDepth: b.maxDepth,
        maxExpansions: b.maxExpansions,
        collapseAnswers: b.collapseAnswers,
        protocol: options.protocol,
        seed,
      }).search(problem, call);
    }
    case 'greedy':
    case 'maj':
    case 'best-of-n':
      return sampleSolution(ports, { ...options.solution, seed }, problem, signal);
  }
}

function testTimeProblem(problem: TestTimeProblem): NormalizedProblem {
  return normalizeProblem({ id: problem.id, question: problem.question, reference: null });
}

/**
 * Answers one problem: `options.runs` runs (at most `concurrentRuns` at once), then the mode's
 * choice among their answers, with the grader port's equivalence deciding which answers agree.
 * Runs are reported in run order whatever order they finished in.
 */
export async function solveProblem(
  ports: SearchPorts,
  options: CompiledTestTimeOptions,
  problem: TestTimeProblem,
  call: TestTimeCall = {},
): Promise<TestTimeOutcome> {
  checkTestTimePorts(ports, options);
  testTimeProblem(problem);
  const outcomes: RunOutcome[] = new Array<RunOutcome>(options.runs);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.runs) {
      const run = next++;
      const outcome = await runTestTime(ports, options, problem, run, call.signal);
      outcomes[run] = outcome;
      call.onRun?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrentRuns, options.runs) }, worker));
  return summarize(options, problem, outcomes, ports);
}

/**
 * The final answer and the cost of a problem from its runs' outcomes alone (what eval will
 * recompute from stored per-run records).
 */
export async function summarize(
  options: Pick<CompiledTestTimeOptions, 'mode' | 'selection'>,
  problem: TestTimeProblem,
  runs: readonly RunOutcome[],
  ports: Pick<SearchPorts, 'grader'>,
): Promise<TestTimeOutcome> {
  const candidates = runs.flatMap((r) => (r.answer === null ? [] : [r.answer]));
  const answer = await chooseAnswer(options.mode, candidates, options.selection, ports.grader);
  return {
    mode: options.mode,
    problemId: problem.id,
    question: problem.question,
    answer,
    runs,
    cost: costOf(runs),
  };
}

function costOf(runs: readonly RunOutcome[]): TestTimeCost {
  const total: TestTimeCost = {
    policyCalls: 0,
    candidates: 0,
    executions: 0,
    ppmCalls: 0,
    ppmScored: 0,
    promptTokens: 0,
    completionTokens: 0,
  };
  for (const { record } of runs) {
    const one = runCost(record);
    for (const key of Object.keys(total) as (keyof TestTimeCost)[]) total[key] += one[key];
  }
  return total;
}

/** What one run cost, from its record's stats (an eval run record stores exactly this). */
export function runCost(record: Pick<SearchRecord, 'stats'>): TestTimeCost {
  const s = record.stats;
  return {
    policyCalls: s.expansions,
    candidates: s.candidates,
    executions: s.executions,
    ppmCalls: s.ppmCalls,
    ppmScored: s.ppmScored,
    promptTokens: s.promptTokens,
    completionTokens: s.completionTokens,
  };
}
