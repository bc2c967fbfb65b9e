import type { SearchRecord, SearchRecordNode } from '@rstar-fleet/protocol';
import { selectAnswer } from './answer-selection';
import { createMcts } from './search/mcts';
import { toRecord } from './record';
import { createToyWorld } from './testing';

function testTimeRecord(answers: Array<[string, number]>): SearchRecord {
  const nodes: SearchRecordNode[] = [
    { id: '0', parent: null, depth: 0, text: '', kind: 'root', q: 0, n: 0 },
  ];
  answers.forEach(([answer, score], i) => {
    nodes.push({
      id: `0.${i}`,
      parent: '0',
      depth: 1,
      text: `\\boxed{${answer}}`,
      kind: 'answer',
      terminal: 'answer',
      answer,
      q: score,
      n: 1,
      ppm: score,
    });
  });
  return { nodes } as SearchRecord;
}

describe('test-time answer selection', () => {
  // PPM scores: 7 → 0.9; 5 → 0.3, 0.4, 0.2; 6 → −0.8.
  const record = testTimeRecord([
    ['7', 0.9],
    ['5', 0.3],
    ['5', 0.4],
    ['6', -0.8],
    [' 5 ', 0.2],
  ]);

  it('best: the answer with the highest PPM score', () => {
    expect(selectAnswer(record, 'best')).toEqual({ answer: '7', score: 0.9, support: 1 });
  });

  it('vote: the most frequent (trimmed) answer', () => {
    expect(selectAnswer(record, 'vote')).toEqual({ answer: '5', score: 3, support: 3 });
  });

  it('weighted-vote: answers weighted by (Q + 1)/2', () => {
    // 5: 0.65 + 0.7 + 0.6 = 1.95; 7: 0.95; 6: 0.1.
    const picked = selectAnswer([record], 'weighted-vote');
    expect(picked?.answer).toBe('5');
    expect(picked?.score).toBeCloseTo(1.95, 12);
  });

  it('returns null without answers and works on real test-time searches', async () => {
    expect(selectAnswer(testTimeRecord([]))).toBeNull();
    const world = createToyWorld({ seed: 6, problems: 1, stepSkill: 0.8, ppmNoise: 0.1 });
    const problem = world.problems[0]!;
    const records = await Promise.all(
      [1, 2, 3].map((seed) =>
        createMcts(world.ports, { seed, rollouts: 8, candidates: 4, qRule: 'ppm' })
          .search({ id: problem.id, question: problem.question })
          .then(toRecord),
      ),
    );
    expect(selectAnswer(records, 'weighted-vote')?.answer).toBe(problem.reference);
  });
});
