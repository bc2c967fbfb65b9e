import type { SearchRecordNode } from '@rstar-fleet/protocol';
import { createExtractor } from './extract';
import type { ExecutorPort, StepCandidate } from './ports';
import { toRecord } from './record';
import { createMcts } from './search/mcts';
import type { MctsOptions } from './options/mcts-options';
import {
  checkRecordInvariants,
  exactGrader,
  runToyProgram,
  scriptedPolicy,
  scriptedStep as step,
} from './testing';

/**
 * The defaults reproduce rStar-Math's released code (branch rStar-math: agents/mcts.py,
 * llms/llms.py llm_generate, train/sample_sft_data.py). Each case is a small scripted tree whose
 * result under the released code's rules is worked out by hand in the comments and written out.
 */

const executor: ExecutorPort = {
  execute: (programs) => Promise.resolve(programs.map(runToyProgram)),
};
const problem = { id: 'p', question: 'q', reference: '2' };

async function search(script: Record<string, StepCandidate[]>, options: MctsOptions = {}) {
  const policy = scriptedPolicy(script);
  const record = toRecord(
    await createMcts({ policy, executor, grader: exactGrader }, options).search(problem),
  );
  expect(checkRecordInvariants(record)).toEqual([]);
  const byId = new Map(record.nodes.map((n) => [n.id, n]));
  const at = (id: string): SearchRecordNode => {
    const node = byId.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  };
  return { record, at, policy };
}

const qn = (n: SearchRecordNode): [number, number] => [n.q, n.n];

describe("rStar's released code, by default", () => {
  // Root samples two code steps A, B. A's expansion samples [answer 2, answer 3]; B's
  // samples [answer 3, answer 2]. llm_generate keeps only the first answer sample when any
  // sample is an answer, so A gets one child (answer 2, +1) and B one child (answer 3, −1).
  // Rollout 1: A (first of two unvisited, score 0 each), its answer +1 up to A and the root; A's
  // only child is terminal, so A is done. Rollout 2: B, its answer −1. Root done after 2.
  const collapseScript = {
    '0': [
      step.code('<code>\n# add the two numbers first\nx = 1 + 1\n'),
      step.code('<code>\n# multiply them instead of adding\nx = 1 * 3\n'),
    ],
    '0.0': [step.answer('2'), step.answer('3')],
    '0.1': [step.answer('3'), step.answer('2')],
  };

  it('1. keeps only the first answer sample of an expansion (collapseAnswers)', async () => {
    const { record, at } = await search(collapseScript);
    expect(record.nodes.map((n) => n.id)).toEqual(['0', '0.0', '0.1', '0.0.0', '0.1.0']);
    expect([at('0.0.0').answer, at('0.1.0').answer]).toEqual(['2', '3']);
    expect(qn(at('0'))).toEqual([0, 2]);
    expect(qn(at('0.0'))).toEqual([1, 1]);
    expect(qn(at('0.1'))).toEqual([-1, 1]);
    expect(record.stats.rollouts).toBe(2);
    // extra_rm_file: at the root, chosen [A] (Q 1), rejected [B] (Q −1): one pair, 1 × 1.
    const { sft, pairs } = createExtractor({ trajectoryPairs: false }).extract(record);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ pos_count: 1, neg_count: 1 });
    expect(pairs[0]?.chosen).toContain('add the two numbers');
    // sample_sft_data: the one correct trace A → 2, mean Q (1 + 1) / 2.
    expect(sft.map((r) => [r.leaf_id, r.mean_q])).toEqual([['0.0.0', 1]]);

    // The option off keeps every sample: A has both answers and Q(A) = (1 − 1) / 2.
    const all = await search(collapseScript, { collapseAnswers: false });
    expect(all.at('0.0').n).toBe(2);
    expect(all.at('0.0').q).toBe(0);
  });

  it('2. runs the rollouts of a tree one after another (concurrency 1)', () => {
    expect(
      createMcts({ policy: scriptedPolicy({}), executor, grader: exactGrader }).options,
    ).toMatchObject({ concurrency: 1 });
  });

  // F closes its code block and fails (ZeroDivisionError). With errors_threshold 2 (round 1)
  // its consecutive_errors is 1 < 2: it stays, non-terminal, its error shown as the block's
  // output; G opens a new block (runs alone, succeeds, resets the count) and the answer is
  // right: +1 on the answer, G, F and the root. With errors_threshold 1 (rounds 2–4) F is a
  // TOO_MANY_CODE_ERRORS terminal: −1 on F only, the root has no value and nothing else runs.
  const toleratedScript = {
    '0': [step.close('<code>\n# divide the total by the count\nx = 2 / 0\nprint(x)\n')],
    '0.0': [step.code('<code>\n# the count is one, not zero\nx = 2 / 1\n')],
    '0.0.0': [step.answer('2')],
  };

  it('3. errorsThreshold 2 tolerates one failed code step, 1 none', async () => {
    const two = await search(toleratedScript, { errorsThreshold: 2 });
    expect(two.at('0.0')).toMatchObject({ exec: 'error', q: 1, n: 1 });
    expect(two.at('0.0').terminal).toBeUndefined();
    expect(two.at('0.0').text).toMatch(/<output>[^]*ZeroDivisionError[^]*<end_of_output>$/);
    expect(qn(two.at('0'))).toEqual([1, 1]);
    expect(two.at('0.0.0.0')).toMatchObject({ terminal: 'answer', correct: true });

    const one = await search(toleratedScript, { errorsThreshold: 1 });
    expect(one.at('0.0')).toMatchObject({ terminal: 'code-error', exec: 'error', q: -1, n: 1 });
    expect(qn(one.at('0'))).toEqual([0, 0]);
    expect(one.policy.calls.map((c) => c.nodeId)).toEqual(['0']);
    expect(one.record.search.errorsThreshold).toBe(1);

    // Errors in a row: F2 fails inside the block (count 1, tolerated); its child re-runs F2's
    // code with its own, fails again (count 2 = threshold): a terminal with −1, not
    // back-propagated, so F2 keeps q 0, N 0 and the root has nothing.
    const inRow = await search(
      { '0': [step.code('<code>\nx = 2 / 0\n')], '0.0': [step.code('y = 1\n')] },
      { errorsThreshold: 2 },
    );
    expect(inRow.at('0.0')).toMatchObject({ exec: 'error', q: 0, n: 0 });
    expect(inRow.at('0.0.0')).toMatchObject({ terminal: 'code-error', q: -1, n: 1 });
    expect(qn(inRow.at('0'))).toEqual([0, 0]);
  });

  it('4. allows maxDepth code steps and an answer after them', async () => {
    // Two chains of 16 code steps (depths 1–16). At depth 17, chain a answers (kept: correct),
    // chain b writes more code (TOO_MANY_STEPS: depth 17 > max_depth 16, −1 locally).
    const script: Record<string, StepCandidate[]> = {
      '0': [step.code('<code>\na1 = 1\n'), step.code('<code>\nb1 = 1\n')],
    };
    for (const [branch, name] of [
      ['0.0', 'a'],
      ['0.1', 'b'],
    ] as const) {
      let id: string = branch;
      for (let depth = 2; depth <= 16; depth++) {
        script[id] = [step.code(`${name}${depth} = ${depth}\n`)];
        id += '.0';
      }
      script[id] = name === 'a' ? [step.answer('2')] : [step.code('z = 0\n')];
    }
    const { record } = await search(script);
    const deepest = record.nodes.filter((n) => n.depth === 17);
    expect(deepest.map((n) => [n.id.startsWith('0.0') ? 'a' : 'b', n.terminal])).toEqual([
      ['a', 'answer'],
      ['b', 'depth-limit'],
    ]);
    expect(deepest[0]?.correct).toBe(true);
    expect(record.nodes.filter((n) => n.depth === 16).map((n) => n.terminal)).toEqual([
      undefined,
      undefined,
    ]);
    // Every code step at depths 1–16 ran; the one at depth 17 did not.
    expect(record.stats.executions).toBe(32);
  });

  it('5. drops a chosen SFT trajectory whose text mentions "error", without replacing it', async () => {
    // Three correct traces, all Q 1: sorted (mean, min) they keep tree order; the top 2 are
    // taken first, then the one whose comment says "rounding error" is dropped: one row, and the
    // third trace does not move up.
    const { record } = await search({
      '0': [
        step.code('<code>\n# no rounding error can happen here\nx = 2\n'),
        step.code('<code>\n# two is already whole\nx = 2\n'),
        step.code('<code>\n# keep it simple\nx = 2\n'),
      ],
      '0.0': [step.answer('2')],
      '0.1': [step.answer('2')],
      '0.2': [step.answer('2')],
    });
    expect(
      createExtractor()
        .extract(record)
        .sft.map((r) => r.leaf_id),
    ).toEqual(['0.1.0']);
    expect(
      createExtractor({ sftDropErrorText: false })
        .extract(record)
        .sft.map((r) => r.leaf_id),
    ).toEqual(['0.0.0', '0.1.0']);

    // A tolerated failure's traceback is caught too: the round-1 trace through F is dropped.
    const tolerated = await search(toleratedScript, { errorsThreshold: 2 });
    expect(createExtractor().extract(tolerated.record).sft).toEqual([]);
    expect(createExtractor({ sftDropErrorText: false }).extract(tolerated.record).sft).toHaveLength(
      1,
    );
  });
});
