import { createMcts } from './mcts';
import { toRecord } from '../record';
import type { ExecutorPort } from '../ports';
import type { SearchRecordNode } from '@rstar-fleet/protocol';
import {
  checkRecordInvariants,
  exactGrader,
  runToyProgram,
  scriptedPolicy,
  scriptedReward,
  scriptedStep as step,
} from '../testing';

/**
 * One hand-built tree, searched under each Q rule, every value computed by hand.
 *
 *   0 (root)
 *   ├─ A 0.0  code  "x = 1"                       (non-terminal)
 *   │  ├─ D 0.0.0  answer 3                        wrong  → −1, back-propagated
 *   │  ├─ E 0.0.1  close "print(x)" → output 1     (non-terminal)
 *   │  │  ├─ G 0.0.1.0  answer 2                   correct → +1, back-propagated
 *   │  │  └─ H 0.0.1.1  answer 1                   wrong   → −1, back-propagated
 *   │  └─ F 0.0.2  truncated                       invalid → −1 locally only
 *   ├─ B 0.1  answer 2                             correct → +1, back-propagated
 *   └─ C 0.2  code "y = undefined_name"            NameError → code-error, −1 locally only
 *
 * Creation order (one rollout exhausts the tree): B (+1), then D (−1), then G (+1), H (−1).
 */
const SCRIPT = {
  '0': [step.code('<code>\nx = 1\n'), step.answer('2'), step.code('<code>\ny = undefined_name\n')],
  '0.0': [step.answer('3'), step.close('print(x)\n'), step.truncated('print(')],
  '0.0.1': [step.answer('2'), step.answer('1')],
};

const executor: ExecutorPort = {
  execute: (programs) => Promise.resolve(programs.map(runToyProgram)),
};

function byId(nodes: SearchRecordNode[]): Record<string, SearchRecordNode> {
  return Object.fromEntries(nodes.map((n) => [n.id, n]));
}

const Q = (node: SearchRecordNode | undefined): number =>
  node === undefined ? NaN : node.q / node.n;

describe('Q values on a hand-built tree', () => {
  it('terminal-guided rule (rounds 1–2): Q = (#correct − #wrong) / #terminals', async () => {
    const policy = scriptedPolicy(SCRIPT);
    const mcts = createMcts(
      { policy, executor, grader: exactGrader },
      { rollouts: 5, candidates: 3, collapseAnswers: false },
    );
    const record = toRecord(
      await mcts.search({ id: 'p', question: 'one plus one', reference: '2' }),
    );
    const n = byId(record.nodes);

    // Root: terminals B(+1) D(−1) G(+1) H(−1) → q = 0, N = 4, Q = 0.
    expect([n['0']?.q, n['0']?.n]).toEqual([0, 4]);
    // A: D(−1) G(+1) H(−1) → q = −1, N = 3, Q = −1/3.
    expect([n['0.0']?.q, n['0.0']?.n]).toEqual([-1, 3]);
    expect(Q(n['0.0'])).toBeCloseTo(-1 / 3, 12);
    // E: G(+1) H(−1) → q = 0, N = 2, Q = 0.
    expect([n['0.0.1']?.q, n['0.0.1']?.n]).toEqual([0, 2]);
    // Answers carry their own ±1 with N = 1.
    expect([n['0.1']?.q, n['0.0.0']?.q, n['0.0.1.0']?.q, n['0.0.1.1']?.q]).toEqual([1, -1, 1, -1]);
    // Failed terminals: −1, N = 1, and nothing of it reached the root (root q is 0, not −2).
    expect(n['0.2']).toMatchObject({ terminal: 'code-error', exec: 'error', q: -1, n: 1 });
    expect(n['0.0.2']).toMatchObject({ terminal: 'invalid', q: -1, n: 1 });
    // The block-closing step shows its output; the intermediate step does not.
    expect(n['0.0.1']?.text).toBe('print(x)\n<end_of_code>\n<output>1<end_of_output>');
    expect(n['0.0']?.text).toBe('<code>\nx = 1\n<end_of_step>');
    // Every child of E, A and the root is closed, so all three became exhausted in one rollout.
    expect([n['0']?.exhausted, n['0.0']?.exhausted, n['0.0.1']?.exhausted]).toEqual([
      true,
      true,
      true,
    ]);
    expect(record.stats).toMatchObject({
      rollouts: 1,
      expansions: 3,
      executions: 3,
      ppmCalls: 0,
      terminals: { answer: 4, 'code-error': 1, invalid: 1, 'depth-limit': 0 },
      correct: 2,
      wrong: 2,
      solved: true,
    });
    expect(checkRecordInvariants(record)).toEqual([]);

    // The prompt of E's expansion is the template plus A and E exactly as stored.
    const last = policy.calls[2];
    expect(last?.nodeId).toBe('0.0.1');
    expect(last?.prompt).toBe(
      `${record.prompt}<code>\nx = 1\n<end_of_step>print(x)\n<end_of_code>\n<output>1<end_of_output>`,
    );
  });

  it('PPM-augmented rule (rounds 3–4): Q = (PPM + Σ±1) / (1 + #terminals)', async () => {
    const policy = scriptedPolicy(SCRIPT);
    const reward = scriptedReward([
      ['x = 1\n<end_of_step>', 0.5],
      ['<end_of_output>', 0.2],
    ]);
    const mcts = createMcts(
      { policy, executor, grader: exactGrader, reward },
      { rollouts: 5, candidates: 3, qRule: 'ppm', collapseAnswers: false },
    );
    const record = toRecord(
      await mcts.search({ id: 'p', question: 'one plus one', reference: '2' }),
    );
    const n = byId(record.nodes);

    // One batched PPM call per expansion with new non-terminal children: [A] then [E].
    expect(reward.calls.map((batch) => batch.length)).toEqual([1, 1]);
    expect(record.stats.ppmCalls).toBe(2);
    // A: q = 0.5 (PPM) − 1 (D) + 1 (G) − 1 (H) = −0.5, N = 1 + 3 = 4, Q = −0.125.
    expect(n['0.0']?.q).toBeCloseTo(-0.5, 12);
    expect(n['0.0']?.n).toBe(4);
    expect(Q(n['0.0'])).toBeCloseTo(-0.125, 12);
    expect(n['0.0']?.ppm).toBe(0.5);
    // E: q = 0.2 + 1 − 1 = 0.2, N = 1 + 2 = 3, Q = 0.0667.
    expect(n['0.0.1']?.q).toBeCloseTo(0.2, 12);
    expect(n['0.0.1']?.n).toBe(3);
    expect(Q(n['0.0.1'])).toBeCloseTo(0.2 / 3, 12);
    // The root is never PPM-scored: q = 0, N = 4 as under the terminal rule.
    expect([n['0']?.q, n['0']?.n, n['0']?.ppm]).toEqual([0, 4, undefined]);
    // Terminals are not PPM-scored (ground truth decides them).
    expect(n['0.1']?.ppm).toBeUndefined();
    expect(checkRecordInvariants(record)).toEqual([]);
  });

  it('test-time search (no reference): answers are PPM-scored and that score is back-propagated', async () => {
    const policy = scriptedPolicy(SCRIPT);
    const reward = scriptedReward([
      ['\\boxed{2}<end_of_answer>', 0.9],
      ['\\boxed{3}<end_of_answer>', -0.4],
      ['\\boxed{1}<end_of_answer>', -0.6],
    ]);
    const mcts = createMcts(
      { policy, executor, grader: exactGrader, reward },
      { rollouts: 5, candidates: 3, collapseAnswers: false },
    );
    const record = toRecord(await mcts.search({ id: 'p', question: 'one plus one' }));
    const n = byId(record.nodes);

    // Root: 0.9 (B) − 0.4 (D) + 0.9 (G) − 0.6 (H) = 0.8 over N = 4.
    expect(n['0']?.q).toBeCloseTo(0.8, 12);
    expect(n['0']?.n).toBe(4);
    // A: −0.4 + 0.9 − 0.6 = −0.1 over N = 3.
    expect(n['0.0']?.q).toBeCloseTo(-0.1, 12);
    expect(n['0.1']).toMatchObject({ ppm: 0.9, q: 0.9, n: 1 });
    expect(n['0.1']?.correct).toBeUndefined();
    expect(record.reference).toBeNull();
    expect(record.stats).toMatchObject({ correct: 0, wrong: 0, solved: false });
    expect(checkRecordInvariants(record)).toEqual([]);
  });
});

describe('selection order', () => {
  /**
   *   root → A 0.0, B 0.1 (code)
   *   A → A1 answer correct, A2 code, A3 code;  A2 → correct answer;  A3 → correct answer
   *   B → correct answer
   * rStar's zero rule: after A scores +1 its UCT (1 + 2·sqrt(ln 2 / 2) = 2.18) beats unvisited
   * B (0), so A3 is expanded before B. Standard UCT: unvisited B (+∞) goes before A3.
   */
  const script = {
    '0': [step.code('<code>\na = 1\n'), step.code('<code>\nb = 1\n')],
    '0.0': [step.answer('1'), step.code('c = 1\n'), step.code('d = 2\n')],
    '0.0.1': [step.answer('1', 'so')],
    '0.0.2': [step.answer('1', 'thus')],
    '0.1': [step.answer('1')],
  };

  it.each([
    ['zero', ['0', '0.0', '0.0.1', '0.0.2', '0.1']],
    ['infinite', ['0', '0.0', '0.0.1', '0.1', '0.0.2']],
  ] as const)('unvisited = %s expands in order %j', async (unvisited, order) => {
    const policy = scriptedPolicy(script);
    const mcts = createMcts(
      { policy, executor, grader: exactGrader },
      {
        rollouts: 10,
        unvisited,
        collapseAnswers: false,
      },
    );
    const result = await mcts.search({ id: 'p', question: 'q', reference: '1' });
    expect(policy.calls.map((c) => c.nodeId)).toEqual(order);
    expect(result.stats.rollouts).toBe(3);
    expect(result.tree.root.exhausted).toBe(true);
  });
});
