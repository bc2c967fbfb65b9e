import type { GraderPort } from '../ports';
import type { CompiledAnswerSelection, TestTimeMode, VoteRule } from './options';
import type { RunAnswer } from './run-answer';

/**
 * Answers that the grader's equivalence puts together (`1/2`, `0.5`, `\frac{1}{2}`): one class
 * per distinct answer among the candidates considered.
 */
export interface AnswerClass {
  /** The answer as its highest-ranked member wrote it. */
  readonly answer: string;
  /** Members, highest-ranked first. */
  readonly members: readonly RunAnswer[];
  readonly votes: number;
  /** Sum of the members' PPM scores (0 for unscored members). */
  readonly weight: number;
}

/** The final answer of a problem and why it won. */
export interface SelectedAnswer {
  readonly answer: string;
  /** The winning tally: votes (plain), summed PPM (weighted) or the PPM score (best-of-n). */
  readonly score: number;
  /** Candidates that gave this answer (equivalent ones included). */
  readonly support: number;
  /** Candidates the final stage considered (at most topK for system2 and beam). */
  readonly considered: number;
  /** The highest-ranked candidate of the winning class: its trajectory is the one shown. */
  readonly best: RunAnswer;
  /** Every class considered, in rank order of its best member. */
  readonly classes: readonly AnswerClass[];
}

/** Highest PPM score first (unscored last), then lower run index: a total, reproducible order. */
export function rankCandidates(candidates: readonly RunAnswer[]): RunAnswer[] {
  return [...candidates].sort(
    (a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.run - b.run,
  );
}

/**
 * Whether two answers are the same by the grader: rStar's `math_equiv` tries both argument
 * orders, since the grader's rules are not all symmetric. Also how eval grades a run's answer
 * against the reference.
 */
export async function answersEquivalent(
  grader: GraderPort,
  a: string,
  b: string,
): Promise<boolean> {
  return (await grader.equal(a, b)) || (await grader.equal(b, a));
}

/** Groups ranked candidates by the grader's equivalence (each joins the first class it equals). */
export async function classify(
  ranked: readonly RunAnswer[],
  grader: GraderPort,
): Promise<AnswerClass[]> {
  const groups: RunAnswer[][] = [];
  for (const candidate of ranked) {
    let home: RunAnswer[] | undefined;
    for (const group of groups) {
      if (await answersEquivalent(grader, candidate.answer, (group[0] as RunAnswer).answer)) {
        home = group;
        break;
      }
    }
    if (home === undefined) groups.push([candidate]);
    else home.push(candidate);
  }
  return groups.map((members) => ({
    answer: (members[0] as RunAnswer).answer,
    members,
    votes: members.length,
    weight: members.reduce((sum, m) => sum + (m.score ?? 0), 0),
  }));
}

/**
 * Majority over `candidates` (rStar `eval_maj.py`): plain counts votes, weighted sums PPM scores.
 * Ties, which rStar breaks at random, are broken deterministically: by the other tally (weight
 * for plain, votes for weighted), then by the class whose best member ranks first.
 */
export async function majority(
  candidates: readonly RunAnswer[],
  vote: VoteRule,
  grader: GraderPort,
): Promise<SelectedAnswer | null> {
  const ranked = rankCandidates(candidates);
  const classes = await classify(ranked, grader);
  const primary = (c: AnswerClass): number => (vote === 'plain' ? c.votes : c.weight);
  const secondary = (c: AnswerClass): number => (vote === 'plain' ? c.weight : c.votes);
  let winner: AnswerClass | undefined;
  for (const c of classes) {
    if (
      winner === undefined ||
      primary(c) > primary(winner) ||
      (primary(c) === primary(winner) && secondary(c) > secondary(winner))
    ) {
      winner = c;
    }
  }
  if (winner === undefined) return null;
  return {
    answer: winner.answer,
    score: primary(winner),
    support: winner.votes,
    considered: ranked.length,
    best: winner.members[0] as RunAnswer,
    classes,
  };
}

/**
 * rStar's two-stage answer: each run has contributed its highest-PPM answer; keep the `topK`
 * highest-scored of those and take their (plain or PPM-weighted) majority.
 */
export function selectTwoStage(
  candidates: readonly RunAnswer[],
  selection: CompiledAnswerSelection,
  grader: GraderPort,
): Promise<SelectedAnswer | null> {
  return majority(rankCandidates(candidates).slice(0, selection.topK), selection.vote, grader);
}

/** Best-of-N by PPM: the highest-scored candidate; its class shows who agreed with it. */
export async function selectBestScored(
  candidates: readonly RunAnswer[],
  grader: GraderPort,
): Promise<SelectedAnswer | null> {
  const ranked = rankCandidates(candidates);
  const top = ranked[0];
  if (top === undefined) return null;
  const classes = await classify(ranked, grader);
  const mine = classes.find((c) => c.members.includes(top)) as AnswerClass;
  return {
    answer: top.answer,
    score: top.score ?? 0,
    support: mine.votes,
    considered: ranked.length,
    best: top,
    classes,
  };
}

/** The final answer of a problem under `mode`, from its runs' answers (runs without one: none). */
export function chooseAnswer(
  mode: TestTimeMode,
  candidates: readonly RunAnswer[],
  selection: CompiledAnswerSelection,
  grader: GraderPort,
): Promise<SelectedAnswer | null> {
  switch (mode) {
    case 'system2':
    case 'beam':
      return selectTwoStage(candidates, selection, grader);
    case 'best-of-n':
      return selectBestScored(candidates, grader);
    case 'maj':
    case 'greedy':
      return majority(candidates, 'plain', grader);
  }
}
