import type { SearchRecordNode } from '@rstar-fleet/protocol';
import type { GraderPort } from '../ports';
import { exactGrader } from '../testing';
import {
  chooseAnswer,
  majority,
  rankCandidates,
  selectBestScored,
  selectTwoStage,
} from './answer-selection';
import { compileTestTimeOptions } from './options';
import { bestAnswerOf, type RunAnswer } from './run-answer';

/** One test-time tree: a root and answer leaves with their PPM scores (Q = PPM, N = 1). */
function answerNodes(answers: Array<[string, number]>): SearchRecordNode[] {
  return [
    { id: '0', parent: null, depth: 0, text: '', kind: 'root', q: 0, n: 0 },
    { id: '0.0', parent: '0', depth: 1, text: 'x = 1<end_of_step>', kind: 'code', q: 0.1, n: 1 },
    ...answers.map(([answer, ppm], i): SearchRecordNode => ({
      id: `0.0.${i}`,
      parent: '0.0',
      depth: 2,
      text: `\\boxed{${answer}}`,
      kind: 'answer',
      terminal: 'answer',
      answer,
      q: ppm,
      n: 1,
      ppm,
    })),
  ];
}

const cand = (run: number, answer: string, score: number | null): RunAnswer => ({
  run,
  answer,
  score,
  nodeId: `0.${run}`,
});

/** Equivalence by a table of classes (what the grader would decide), counting its calls. */
function tableGrader(classes: string[][]): GraderPort & { calls: number } {
  const classOf = (s: string): number => classes.findIndex((c) => c.includes(s.trim()));
  const g = {
    calls: 0,
    equal(a: string, b: string): boolean {
      g.calls += 1;
      const x = classOf(a);
      return x !== -1 && x === classOf(b);
    },
  };
  return g;
}

const selection = compileTestTimeOptions().selection;

describe("a run's answer (rStar record_intermediate_metric)", () => {
  it('is the answer node with the highest PPM score, ties to the first', () => {
    const nodes = answerNodes([
      ['7', 0.4],
      ['5', 0.9],
      ['6', 0.9],
    ]);
    expect(bestAnswerOf(3, nodes)).toEqual({ run: 3, answer: '5', score: 0.9, nodeId: '0.0.1' });
  });

  it('is null when the run reached no answer, the first answer when nothing is scored', () => {
    expect(bestAnswerOf(0, answerNodes([]))).toBeNull();
    const unscored = answerNodes([
      ['4', 0],
      ['8', 0],
    ]).map(({ ppm: _ppm, ...n }) => n);
    expect(bestAnswerOf(1, unscored)).toEqual({
      run: 1,
      answer: '4',
      score: null,
      nodeId: '0.0.0',
    });
  });
});

describe("rStar's two-stage answer (eval_maj.py)", () => {
  // Eight runs' answers. The top four by PPM: r1 '7' 0.95, r4 '5' 0.9, r6 '5' 0.8, r0 '7' 0.7.
  const runs = [
    cand(0, '7', 0.7),
    cand(1, '7', 0.95),
    cand(2, '3', 0.1),
    cand(3, '3', 0.2),
    cand(4, '5', 0.9),
    cand(5, '3', 0.3),
    cand(6, '5', 0.8),
    cand(7, '3', 0.6),
  ];

  it('keeps only the K highest-scored answers: the plain majority of all runs would be 3', async () => {
    const all = await majority(runs, 'plain', exactGrader);
    expect(all?.answer).toBe('3');
    expect(all?.support).toBe(4);
    const two = await selectTwoStage(runs, selection, exactGrader);
    expect(two?.considered).toBe(4);
    // 7 and 5 have two votes each among the top 4; the tie goes to the larger PPM sum
    // (5: 0.9 + 0.8 = 1.7 against 7: 0.95 + 0.7 = 1.65).
    expect(two?.answer).toBe('5');
    expect(two?.score).toBe(2);
    expect(two?.support).toBe(2);
    expect(two?.best).toEqual(cand(4, '5', 0.9));
    expect(two?.classes.map((c) => [c.answer, c.votes])).toEqual([
      ['7', 2],
      ['5', 2],
    ]);
  });

  it('PPM-weighted: each class weighs the sum of its PPM scores', async () => {
    const weighted = compileTestTimeOptions({ selection: { topK: 5, vote: 'weighted' } }).selection;
    // Top 5: 7 (0.95 + 0.7 = 1.65), 5 (0.9 + 0.8 = 1.7), 3 (0.6). Plain: 7 and 5 tie at 2 votes.
    const picked = await selectTwoStage(runs, weighted, exactGrader);
    expect(picked?.answer).toBe('5');
    expect(picked?.score).toBeCloseTo(1.7, 12);
    // Three low-scored votes lose to two high-scored ones under weighting, win under plain.
    const many = [
      cand(0, '1', 0.2),
      cand(1, '1', 0.2),
      cand(2, '1', 0.2),
      cand(3, '2', 0.9),
      cand(4, '2', 0.8),
    ];
    expect((await majority(many, 'weighted', exactGrader))?.answer).toBe('2');
    expect((await majority(many, 'plain', exactGrader))?.answer).toBe('1');
  });

  it("groups answers by the grader's equivalence, not by their strings", async () => {
    const grader = tableGrader([['1/2', '0.5', '\\frac{1}{2}'], ['2']]);
    const picked = await selectTwoStage(
      [cand(0, '2', 0.9), cand(1, '1/2', 0.8), cand(2, '0.5', 0.7), cand(3, '\\frac{1}{2}', 0.1)],
      selection,
      grader,
    );
    expect(picked?.answer).toBe('1/2');
    expect(picked?.support).toBe(3);
    expect(picked?.classes.map((c) => c.members.map((m) => m.run))).toEqual([[0], [1, 2, 3]]);
    // As strings the four would be four answers, and '2' (ranked first) would win the tie.
    const asStrings = tableGrader([]);
    expect(
      (await selectTwoStage(picked?.classes.flatMap((c) => c.members) ?? [], selection, asStrings))
        ?.answer,
    ).toBe('2');
  });

  it('breaks ties deterministically, whatever order the runs arrive in', async () => {
    // Equal votes and equal weights: the class whose best member ranks first wins
    // (highest score, then lowest run).
    const tied = [cand(5, '9', 0.5), cand(2, '8', 0.5), cand(7, '9', 0.5), cand(1, '8', 0.5)];
    for (const order of [tied, [...tied].reverse(), [tied[2], tied[0], tied[3], tied[1]]]) {
      const picked = await selectTwoStage(order as RunAnswer[], selection, exactGrader);
      expect(picked?.answer).toBe('8');
      expect(picked?.best.run).toBe(1);
    }
    expect(rankCandidates(tied).map((c) => c.run)).toEqual([1, 2, 5, 7]);
  });

  it('returns null when no run reached an answer', async () => {
    expect(await selectTwoStage([], selection, exactGrader)).toBeNull();
    expect(await selectBestScored([], exactGrader)).toBeNull();
  });
});

describe('the other modes choose as the paper compares them', () => {
  const runs = [cand(0, '4', 0.1), cand(1, '4', 0.2), cand(2, '6', 0.9), cand(3, '4', -0.3)];

  it('best-of-n takes the highest PPM score, maj@k the plain majority of every run', async () => {
    const best = await chooseAnswer('best-of-n', runs, selection, exactGrader);
    expect(best).toMatchObject({ answer: '6', score: 0.9, support: 1, considered: 4 });
    const maj = await chooseAnswer('maj', runs, selection, exactGrader);
    expect(maj).toMatchObject({ answer: '4', score: 3, support: 3, considered: 4 });
  });
});
