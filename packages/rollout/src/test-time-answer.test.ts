import { compileTestTimeOptions, selectTwoStage, type RunAnswer } from '@rstar-fleet/mcts';
import { fleetGrader } from './fleet-ports';

const cand = (run: number, answer: string, score: number): RunAnswer => ({
  run,
  answer,
  score,
  nodeId: `0.${run}`,
});

describe("rStar's two-stage answer with the fleet's grader", () => {
  const { selection } = compileTestTimeOptions();
  const weighted = compileTestTimeOptions({ selection: { vote: 'weighted' } }).selection;

  it('counts 1/2, 0.5 and \\frac{1}{2} as one answer', async () => {
    const runs = [
      cand(0, '2', 0.95),
      cand(1, '1/2', 0.9),
      cand(2, '0.5', 0.6),
      cand(3, '\\frac{1}{2}', 0.5),
      cand(4, '2', 0.4),
    ];
    const plain = await selectTwoStage(runs, selection, fleetGrader);
    expect(plain).toMatchObject({ answer: '1/2', score: 3, support: 3, considered: 4 });
    expect(plain?.classes.map((c) => c.members.map((m) => m.run))).toEqual([[0], [1, 2, 3]]);
    // Weighted: 1/2 weighs 0.9 + 0.6 + 0.5 = 2.0 against 0.95 for 2.
    const byPpm = await selectTwoStage(runs, weighted, fleetGrader);
    expect(byPpm?.answer).toBe('1/2');
    expect(byPpm?.score).toBeCloseTo(2.0, 12);
  });

  it('keeps different values apart (0.5 is not 5, nor 1/3)', async () => {
    const runs = [cand(0, '5', 0.9), cand(1, '0.5', 0.8), cand(2, '1/3', 0.7)];
    const picked = await selectTwoStage(runs, selection, fleetGrader);
    expect(picked?.classes).toHaveLength(3);
    expect(picked?.answer).toBe('5');
  });
});
