import { parseSearchRecord, type SearchRecord, type SearchRecordNode } from '@rstar-fleet/protocol';
import { createExtractor } from './extractor';
import { createStats } from '../search/stats';

/** Hand-built stored trees: Q values are chosen, not searched, so the expected rows are exact. */
const PROMPT = '<|user|>:\nQ\n<|assistant|>:';

function code(id: string, text: string, Q: number, n = 1): SearchRecordNode {
  return node(id, { text, kind: 'code', q: Q * n, n });
}
function answer(
  id: string,
  value: string,
  correct: boolean,
  lead = 'The answer is',
): SearchRecordNode {
  const text = `\n${lead} \\boxed{${value}}<end_of_answer>`;
  return node(id, {
    text,
    kind: 'answer',
    terminal: 'answer',
    q: correct ? 1 : -1,
    n: 1,
    answer: value,
    correct,
  });
}
function failed(id: string, text: string): SearchRecordNode {
  return node(id, { text, kind: 'code', terminal: 'code-error', exec: 'error', q: -1, n: 1 });
}
function node(id: string, fields: Partial<SearchRecordNode>): SearchRecordNode {
  const parts = id.split('.');
  return {
    id,
    parent: parts.slice(0, -1).join('.'),
    depth: parts.length - 1,
    text: '',
    kind: 'code',
    q: 0,
    n: 0,
    ...fields,
  };
}

function record(nodes: SearchRecordNode[], reference: string | null = '5'): SearchRecord {
  return parseSearchRecord({
    v: 1,
    problemId: 'prob-1',
    question: 'Q',
    reference,
    prompt: PROMPT,
    search: {
      algorithm: 'mcts',
      qRule: 'terminal',
      candidates: 8,
      maxDepth: 16,
      seed: 0,
      collapseAnswers: false,
    },
    stats: createStats(),
    nodes: [{ id: '0', parent: null, depth: 0, text: '', kind: 'root', q: 0, n: 20 }, ...nodes],
  });
}

/**
 *   root
 *   ├─ C1 0.0  Q  0.8 → correct      ├─ W1 0.3  Q −0.6 → wrong
 *   ├─ C2 0.1  Q  0.6 → correct      ├─ W2 0.4  Q −0.2 → wrong   (text ≈ C2's)
 *   ├─ C3 0.2  Q  0.2 → correct      ├─ W3 0.5  Q  0.1 → wrong
 *   ├─ E  0.6  code error (Q −1)     └─ F  0.7  Q −0.9 → only a code-error leaf
 */
const C2_TEXT = '<code>\n# Step 1: take 2 apples from the 7\nx = 7 - 2\n<end_of_step>';
const W2_TEXT = '<code>\n# Step 1: take 2 apples from the 7\nx = 7 + 2\n<end_of_step>';
const wide = record([
  code('0.0', '<code>\n# Step 1: Ana keeps all five of her apples\nx = 5\n<end_of_step>', 0.8, 5),
  code('0.1', C2_TEXT, 0.6, 5),
  code(
    '0.2',
    '<code>\n# Step 1: count the apples one by one\nx = 1 + 1 + 1 + 1 + 1\n<end_of_step>',
    0.2,
    5,
  ),
  code(
    '0.3',
    '<code>\n# Step 1: misread: the basket doubles in size\ncount = 7 * 2\n<end_of_step>',
    -0.6,
    5,
  ),
  code('0.4', W2_TEXT, -0.2, 5),
  code('0.5', '<code>\n# Step 1: guess a number\nguess = 11\n<end_of_step>', 0.1, 10),
  failed('0.6', '<code>\nx = apples\n<end_of_step>'),
  code('0.7', '<code>\n# Step 1: load the apple table\nx = table[0]\n<end_of_step>', -0.9, 10),
  answer('0.0.0', '5', true),
  answer('0.1.0', '5', true),
  answer('0.2.0', '5', true),
  answer('0.3.0', '14', false),
  answer('0.4.0', '9', false),
  answer('0.5.0', '11', false),
  failed('0.7.0', '\ny = x + 1\n<end_of_step>'),
]);

describe('SFT extraction', () => {
  it('keeps the top-2 correct trajectories by mean step Q', () => {
    const { sft } = createExtractor().extract(wide);
    // Means: C1 (0.8 + 1)/2 = 0.9, C2 (0.6 + 1)/2 = 0.8, C3 (0.2 + 1)/2 = 0.6.
    expect(sft.map((r) => [r.leaf_id, r.mean_q, r.min_q])).toEqual([
      ['0.0.0', 0.9, 0.8],
      ['0.1.0', 0.8, 0.6],
    ]);
    expect(sft[1]).toMatchObject({
      prompt: PROMPT,
      completion: `${C2_TEXT}\nThe answer is \\boxed{5}<end_of_answer>`,
      problem_id: 'prob-1',
    });
  });

  it('breaks mean-Q ties by min Q, then by record order', () => {
    // Y (listed first) and X both have mean (0.25 + 0.75 + 1)/3 = (0.5 + 0.5 + 1)/3 = 2/3;
    // X's min Q 0.5 beats Y's 0.25. Z has mean 2/3 as well but min 0.
    const tie = record([
      code('0.0', 'y1', 0.25, 4),
      code('0.1', 'x1', 0.5, 4),
      code('0.2', 'z1', 0, 4),
      code('0.0.0', 'y2', 0.75, 4),
      code('0.1.0', 'x2', 0.5, 4),
      code('0.2.0', 'z2', 1, 2),
      answer('0.0.0.0', '5', true),
      answer('0.1.0.0', '5', true),
      answer('0.2.0.0', '5', true),
    ]);
    expect(
      createExtractor()
        .extract(tie)
        .sft.map((r) => r.leaf_id),
    ).toEqual(['0.1.0.0', '0.0.0.0']);
    expect(
      createExtractor({ sftPerProblem: 1 })
        .extract(tie)
        .sft.map((r) => r.completion),
    ).toEqual(['x1x2\nThe answer is \\boxed{5}<end_of_answer>']);
  });
});

describe('PPM pair extraction', () => {
  it('pairs the top-2 correct-side children with the bottom-2 wrong-side children', () => {
    const { pairs, stats } = createExtractor().extract(wide);
    const steps = pairs.filter((p) => p.kind === 'step');
    // Chosen: C1 (0.8), C2 (0.6). Rejected: W1 (−0.6), W2 (−0.2) — not F (−0.9) or E (−1):
    // failed-code leaves are not wrong-answer negatives. C2 × W2 differ by one character: dropped.
    expect(steps.map((p) => [p.chosen_id, p.rejected_id, p.margin])).toEqual([
      ['0.0', '0.3', expect.closeTo(1.4, 12) as unknown],
      ['0.0', '0.4', expect.closeTo(1.0, 12) as unknown],
      ['0.1', '0.3', expect.closeTo(1.2, 12) as unknown],
    ]);
    expect(steps[0]).toMatchObject({
      prompt: PROMPT,
      node_id: '0',
      problem_id: 'prob-1',
      chosen_q: 0.8,
    });
    expect(stats.pairs_too_similar).toBe(2); // the C2 × W2 step pair and trajectory pair
  });

  it('pairs whole trajectories for the final step (prompt = question prompt only)', () => {
    const { pairs } = createExtractor().extract(wide);
    const whole = pairs.filter((p) => p.kind === 'trajectory');
    // Correct by mean: C1 0.9, C2 0.8. Wrong by mean: W1 (−0.6 − 1)/2 = −0.8, W2 −0.6.
    expect(whole.map((p) => [p.chosen_id, p.rejected_id, p.chosen_q, p.rejected_q])).toEqual([
      ['0.0.0', '0.3.0', 0.9, -0.8],
      ['0.0.0', '0.4.0', 0.9, -0.6],
      ['0.1.0', '0.3.0', 0.8, -0.8],
    ]);
    expect(whole[0]?.prompt).toBe(PROMPT);
    expect(whole[0]?.chosen).toContain('\\boxed{5}');
    expect(whole[0]?.rejected).toContain('\\boxed{14}');
    expect(
      createExtractor({ trajectoryPairs: false })
        .extract(wide)
        .pairs.every((p) => p.kind === 'step'),
    ).toBe(true);
  });

  it('drops pairs under the Q-gap threshold and keeps them when it is lowered', () => {
    const close = record([
      code('0.0', '<code>\n# Step 1: the right way to begin\nx = 5\n<end_of_step>', 0.25, 4),
      code('0.1', '<code>\n# Step 1: a different opening move\ny = 3\n<end_of_step>', 0, 4),
      answer('0.0.0', '5', true),
      answer('0.1.0', '3', false),
    ]);
    const strict = createExtractor({ trajectoryPairs: false }).extract(close);
    expect(strict.pairs).toEqual([]);
    expect(strict.stats.pairs_below_margin).toBe(1);
    const loose = createExtractor({ trajectoryPairs: false, minMargin: 0.2 }).extract(close);
    expect(loose.pairs.map((p) => p.margin)).toEqual([0.25]);
  });

  it('uses deeper shared prefixes and never pairs a child with itself', () => {
    // M has both a correct and a wrong answer below it; it sits on both sides at the root.
    const both = record([
      code('0.0', '<code>\n# Step 1: start from the five apples\nx = 5\n<end_of_step>', 0.5, 2),
      code(
        '0.1',
        '<code>\n# Step 1: misreading the question, we begin at seven\napples = 7\n<end_of_step>',
        -0.5,
        2,
      ),
      answer('0.0.0', '5', true, 'So the number of apples left is'),
      answer('0.0.1', '6', false, 'Hmm'),
      answer('0.1.0', '7', false),
    ]);
    const { pairs } = createExtractor({ trajectoryPairs: false }).extract(both);
    expect(pairs.map((p) => [p.node_id, p.chosen_id, p.rejected_id])).toEqual([
      ['0', '0.0', '0.1'],
      ['0.0', '0.0.0', '0.0.1'],
    ]);
    expect(pairs[1]?.prompt).toBe(
      `${PROMPT}<code>\n# Step 1: start from the five apples\nx = 5\n<end_of_step>`,
    );
  });

  it("widens the other side when one side has a single child (rStar's extractor: up to 4)", () => {
    const lopsided = record([
      code('0.0', '<code>\n# Step 1: the correct first step here\nx = 5\n<end_of_step>', 0.9, 2),
      code('0.1', '<code>\n# Step 1: wrong idea number one\nx = 1\n<end_of_step>', -0.9, 2),
      code('0.2', '<code>\n# Step 1: another wrong idea, two\nx = 2\n<end_of_step>', -0.8, 2),
      code('0.3', '<code>\n# Step 1: a third wrong idea, three\nx = 3\n<end_of_step>', -0.7, 2),
      answer('0.0.0', '5', true),
      answer('0.1.0', '1', false),
      answer('0.2.0', '2', false),
      answer('0.3.0', '3', false),
    ]);
    const count = (singleSideWidth?: number) =>
      createExtractor({
        trajectoryPairs: false,
        ...(singleSideWidth === undefined ? {} : { singleSideWidth }),
      }).extract(lopsided).pairs.length;
    expect(count()).toBe(2);
    expect(count(4)).toBe(3);
  });

  it('extracts nothing from a test-time record (no reference)', () => {
    const testTime = record([code('0.0', 'x', 0.5, 1)], null);
    const data = createExtractor().extract(testTime);
    expect(data.sft).toEqual([]);
    expect(data.pairs).toEqual([]);
    expect(data.stats).toMatchObject({ graded: false, solved: false });
  });

  it('reports per-problem stats', () => {
    expect(createExtractor().extract(wide).stats).toEqual({
      problem_id: 'prob-1',
      graded: true,
      solved: true,
      nodes: 16,
      answers: 6,
      correct_answers: 3,
      wrong_answers: 3,
      failed_leaves: 2,
      correct_share: 0.5,
      sft_rows: 2,
      step_pairs: 3,
      trajectory_pairs: 3,
      pairs_below_margin: 0,
      pairs_too_similar: 2,
    });
  });

  it('validates its options once, naming the field', () => {
    expect(() => createExtractor({ minMargin: -1 })).toThrow('field extract.minMargin');
    expect(() => createExtractor({ topK: 2 } as never)).toThrow('field extract.topK');
  });
});

describe("PPM pair weights (rStar's pos_count / neg_count)", () => {
  /**
   *   root
   *   ├─ A 0.0  Q  0.8 → correct
   *   ├─ B 0.1  Q  0.5 → correct
   *   ├─ M 0.2  Q  0.3 ─┬─ M.0 → correct
   *   │                 └─ M.1 → wrong
   *   ├─ D 0.3  Q −0.7 → wrong
   *   ├─ E 0.4  Q  0.1 → wrong
   *   └─ F 0.5  code error (no negative)
   *
   * At the root the correct side is A, B, M and the wrong side M, D, E (F's failed code is not a
   * wrong answer). Top-2 by Q: A, B; bottom-2: D, E; so pos_count = 2, neg_count = 2 for each
   * root pair, B × E included in the count although its Q gap 0.4 < 0.5 drops it (rStar's
   * counts are taken before its sampler's filters). At M: one child per side: 1 × 1.
   */
  const weighted = record([
    code('0.0', '<code>\n# Step 1: Ana keeps all five of her apples\nx = 5\n<end_of_step>', 0.8, 5),
    code(
      '0.1',
      '<code>\n# Step 1: count the apples one by one\nx = 1 + 1 + 1 + 1 + 1\n<end_of_step>',
      0.5,
      4,
    ),
    code('0.2', '<code>\n# Step 1: start from the five apples\nx = 5\n<end_of_step>', 0.3, 2),
    code(
      '0.3',
      '<code>\n# Step 1: misread: the basket doubles in size\ncount = 7 * 2\n<end_of_step>',
      -0.7,
      2,
    ),
    code('0.4', '<code>\n# Step 1: guess a number\nguess = 11\n<end_of_step>', 0.1, 2),
    failed('0.5', '<code>\nx = apples\n<end_of_step>'),
    answer('0.0.0', '5', true),
    answer('0.1.0', '5', true),
    answer('0.2.0', '5', true, 'So the number of apples left is'),
    answer('0.2.1', '6', false, 'Hmm'),
    answer('0.3.0', '14', false),
    answer('0.4.0', '11', false),
  ]);

  it('writes the sizes of the two sides taken at the pair node, counted before the filters', () => {
    const { pairs, stats } = createExtractor({ trajectoryPairs: false }).extract(weighted);
    expect(
      pairs.map((p) => [p.node_id, p.chosen_id, p.rejected_id, p.pos_count, p.neg_count]),
    ).toEqual([
      ['0', '0.0', '0.3', 2, 2],
      ['0', '0.0', '0.4', 2, 2],
      ['0', '0.1', '0.3', 2, 2],
      ['0.2', '0.2.0', '0.2.1', 1, 1],
    ]);
    expect(stats.pairs_below_margin).toBe(1); // B × E
  });

  it('counts the widened side when the other has a single child', () => {
    const lopsided = record([
      code('0.0', '<code>\n# Step 1: the correct first step here\nx = 5\n<end_of_step>', 0.9, 2),
      code('0.1', '<code>\n# Step 1: wrong idea number one\nx = 1\n<end_of_step>', -0.9, 2),
      code('0.2', '<code>\n# Step 1: another wrong idea, two\nx = 2\n<end_of_step>', -0.8, 2),
      code('0.3', '<code>\n# Step 1: a third wrong idea, three\nx = 3\n<end_of_step>', -0.7, 2),
      answer('0.0.0', '5', true),
      answer('0.1.0', '1', false),
      answer('0.2.0', '2', false),
      answer('0.3.0', '3', false),
    ]);
    const counts = (singleSideWidth: number) =>
      createExtractor({ trajectoryPairs: false, singleSideWidth })
        .extract(lopsided)
        .pairs.map((p) => [p.pos_count, p.neg_count]);
    expect(counts(2)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(counts(4)).toEqual([
      [1, 3],
      [1, 3],
      [1, 3],
    ]);
  });

  it('counts the trajectories taken for whole-trajectory pairs', () => {
    // Correct trajectories A, B, M.0 (means 0.9, 0.75, 0.65) → top 2: A, B. Wrong: D (−0.85),
    // M.1 (−0.35), E (−0.45) → bottom 2: D, E. So 2 × 2.
    const whole = createExtractor()
      .extract(weighted)
      .pairs.filter((p) => p.kind === 'trajectory');
    expect(whole.map((p) => [p.chosen_id, p.rejected_id, p.pos_count, p.neg_count])).toEqual([
      ['0.0.0', '0.3.0', 2, 2],
      ['0.0.0', '0.4.0', 2, 2],
      ['0.1.0', '0.3.0', 2, 2],
      ['0.1.0', '0.4.0', 2, 2],
    ]);
  });
});

describe('the random-ranking control (ranking: random)', () => {
  const leaves = (rows: { leaf_id: string }[]): string[] => rows.map((r) => r.leaf_id).sort();

  it('takes as many SFT rows from the same correct trajectories, chosen by seed, not by Q', () => {
    const picks = [0, 1, 2, 3, 4, 5, 6, 7].map((rankingSeed) =>
      leaves(createExtractor({ ranking: 'random', rankingSeed }).extract(wide).sft),
    );
    for (const pick of picks) {
      expect(pick).toHaveLength(2);
      for (const leaf of pick) expect(['0.0.0', '0.1.0', '0.2.0']).toContain(leaf);
    }
    // A seed repeats its choice; across seeds the choice is not always Q's top two.
    const again = createExtractor({ ranking: 'random', rankingSeed: 3 }).extract(wide).sft;
    expect(leaves(again)).toEqual(picks[3]);
    expect(picks.some((p) => p.join() !== '0.0.0,0.1.0')).toBe(true);
  });

  it('pairs the same two sides at random and ignores the Q margin, keeping the edit distance', () => {
    const close = record([
      code('0.0', '<code>\n# Step 1: the right way to begin\nx = 5\n<end_of_step>', 0.25, 4),
      code('0.1', '<code>\n# Step 1: a different opening move\ny = 3\n<end_of_step>', 0, 4),
      answer('0.0.0', '5', true),
      answer('0.1.0', '3', false),
    ]);
    const control = createExtractor({ ranking: 'random', trajectoryPairs: false }).extract(close);
    expect(control.pairs.map((p) => [p.chosen_id, p.rejected_id])).toEqual([['0.0', '0.1']]);
    const sides = createExtractor({ ranking: 'random', trajectoryPairs: false }).extract(wide);
    for (const p of sides.pairs) {
      expect(['0.0', '0.1', '0.2']).toContain(p.chosen_id);
      expect(['0.3', '0.4', '0.5']).toContain(p.rejected_id);
    }
    expect(sides.stats.pairs_too_similar + sides.pairs.length).toBe(4);
  });

  it('is refused under any other name', () => {
    expect(() => createExtractor({ ranking: 'best' } as never)).toThrow('field extract.ranking');
  });
});
