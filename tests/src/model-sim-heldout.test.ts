import { readBenchmark, SYNTH_HELDOUT, type ProblemRecord } from '@rstar-fleet/corpus';
import { isEquivalent } from '@rstar-fleet/grader';
import {
  answersEquivalent,
  compileStepProtocol,
  compileTestTimeOptions,
  solveProblem,
  type GraderPort,
} from '@rstar-fleet/mcts';
import {
  createSimPorts,
  DEFAULT_CHECKPOINT,
  ROUND_PLAN,
  runSimRounds,
  type Checkpoint,
} from '@rstar-fleet/model-sim';

/**
 * Self-evolution told by evaluation (issue #12): the checkpoint that four rounds of simulated
 * search → extract → train produce answers more of the held-out benchmark (synth-heldout: the
 * training family's problems at indices no training corpus reaches) under System 2 than the
 * checkpoint it started from. In process (the simulator's own ports, the test-time driver, the
 * real grader), on a few hundred problems, so that the gap is measured against its standard
 * error instead of eyeballed on 40 (the demo's table, where greedy's change sits in the noise).
 *
 * Only the direction of the change and its size against the noise are asserted, not accuracy
 * levels: the simulator's calibration moves those, and this must hold whatever it is.
 */

const SEED = 7;
/** Problems of the small training corpus (as in rounds.test.ts) and of the held-out benchmark. */
const TRAIN_PROBLEMS = 40;
const HELDOUT_PROBLEMS = 300;
/** The gap must exceed this many standard errors (paired over the same problems). */
const Z = 4;

const grader: GraderPort = { equal: (pred, ref) => isEquivalent(pred, ref) };

// rStar's System 2 (MCTS whose Q values the PPM scores, the run's highest-PPM answer), on a
// budget that keeps 2 × 300 problems to seconds: one run of 4 candidates × 8 rollouts. (More
// runs per problem widen the gap further but cost their multiple in time.)
const system2 = compileTestTimeOptions({
  mode: 'system2',
  runs: 1,
  seed: 0,
  mcts: { candidates: 4, rollouts: 8 },
});

async function heldOut(): Promise<ProblemRecord[]> {
  const problems: ProblemRecord[] = [];
  // `dir` is where named benchmark files live; synth-heldout is generated and reads none.
  const stream = readBenchmark(SYNTH_HELDOUT, {
    dir: __dirname,
    synth: { seed: SEED, count: HELDOUT_PROBLEMS },
  });
  for await (const item of stream) if (item.type === 'record') problems.push(item.record);
  return problems;
}

/** 1 or 0 per problem: whether System 2's final answer equals the reference. */
async function correctness(
  checkpoint: Checkpoint,
  problems: readonly ProblemRecord[],
): Promise<number[]> {
  const ports = { ...createSimPorts(() => checkpoint, compileStepProtocol()), grader };
  const marks: number[] = [];
  for (const problem of problems) {
    const outcome = await solveProblem(ports, system2, {
      id: problem.id,
      question: problem.problem,
    });
    const answer = outcome.answer?.answer;
    marks.push(
      answer !== undefined && (await answersEquivalent(grader, answer, problem.answer)) ? 1 : 0,
    );
  }
  return marks;
}

// Under jest the in-process simulator runs several times slower than under plain node; this
// takes ≈ 45 s of CPU (60 s of wall time on two cores shared with other jobs).
jest.setTimeout(120_000);

describe('the simulator evaluated on the held-out benchmark', () => {
  it('scores its trained round-4 checkpoint above its starting one under System 2, well outside the noise', async () => {
    // The later checkpoint is what training made of the rounds' datasets, not a hand-written one.
    const trained: Checkpoint[] = [];
    const rounds = await runSimRounds({
      problems: TRAIN_PROBLEMS,
      seed: SEED,
      observer: { roundDone: (_outcome, data) => void trained.push(data.trained) },
    });
    expect(rounds).toHaveLength(ROUND_PLAN.length);
    expect(ROUND_PLAN).toHaveLength(4);
    const last = trained.at(-1)!;
    expect(last.name).not.toBe(DEFAULT_CHECKPOINT.name);

    const problems = await heldOut();
    expect(problems).toHaveLength(HELDOUT_PROBLEMS);
    const first = await correctness(DEFAULT_CHECKPOINT, problems);
    const later = await correctness(last, problems);

    // Paired over the same problems: d = later − first per problem, its mean ± SE.
    const n = problems.length;
    const d = later.map((x, i) => x - (first[i] ?? 0));
    const gap = d.reduce((a, b) => a + b, 0) / n;
    const variance = d.reduce((a, b) => a + (b - gap) ** 2, 0) / (n - 1);
    const se = Math.sqrt(variance / n);
    const accuracy = (marks: number[]): string =>
      ((100 * marks.reduce((a, b) => a + b, 0)) / n).toFixed(1);
    const summary =
      `System 2 on ${n} held-out problems: ${DEFAULT_CHECKPOINT.name} ${accuracy(first)} %, ` +
      `${last.name} ${accuracy(later)} %, gap ${(100 * gap).toFixed(1)} ± ${(100 * se).toFixed(1)} points`;
    expect({ summary, outsideNoise: gap > Z * se }).toEqual({ summary, outsideNoise: true });
  });
});
