import { toRecord } from '../record';
import type { RewardPort } from '../ports';
import { createExtractor } from '../extract';
import {
  checkRecordInvariants,
  createToyWorld,
  exactGrader,
  runToyProgram,
  scriptedPolicy,
  scriptedReward,
  scriptedStep as step,
} from '../testing';
import { createBeamSearch } from './beam';

const executor = { execute: (ps: string[]) => Promise.resolve(ps.map(runToyProgram)) };

describe('step-level beam search', () => {
  /**
   * root → a (0.9), b (0.1), c (0.5): width 2 keeps a and c.
   * a → a1 (0.2), answer 2 (correct);  c → c1 (0.7), answer 9 (wrong)
   * level 2 ranks a1 (0.2) and c1 (0.7): width 2 keeps c1 then a1.
   * a1, c1 → answers.
   */
  const script = {
    '0': [step.code('<code>\na = 1\n'), step.code('<code>\nb = 1\n'), step.code('<code>\nc = 1\n')],
    '0.0': [step.code('a1 = 1\n'), step.answer('2')],
    '0.2': [step.code('c1 = 1\n'), step.answer('9')],
    '0.0.0': [step.answer('2')],
    '0.2.0': [step.answer('3')],
  };
  const reward = () =>
    scriptedReward([
      ['a = 1\n<end_of_step>', 0.9],
      ['b = 1\n<end_of_step>', 0.1],
      ['c = 1\n<end_of_step>', 0.5],
      ['a1 = 1\n<end_of_step>', 0.2],
      ['c1 = 1\n<end_of_step>', 0.7],
    ]);

  it('keeps the best beamWidth children by PPM score at each level', async () => {
    const policy = scriptedPolicy(script);
    const r = reward();
    const beam = createBeamSearch(
      { policy, executor, grader: exactGrader, reward: r },
      { beamWidth: 2, candidates: 3, collapseAnswers: false },
    );
    const result = await beam.search({ id: 'p', question: 'q', reference: '2' });
    // Level 1 expands the root; level 2 expands a and c (never b); level 3 expands c1 and a1.
    expect(policy.calls.map((c) => c.nodeId)).toEqual(['0', '0.0', '0.2', '0.2.0', '0.0.0']);
    // One batched PPM call per expansion that produced non-terminal children.
    expect(r.calls.map((batch) => batch.length)).toEqual([3, 1, 1]);
    const record = toRecord(result);
    expect(record.search).toMatchObject({ algorithm: 'beam', beamWidth: 2, qRule: 'ppm' });
    expect(record.stats).toMatchObject({ expansions: 5, correct: 2, wrong: 2, solved: true });
    // PPM rule by default: a = 0.9 (PPM) + 1 (answer 2) + 1 (a1's answer 2) over N = 3.
    const a = record.nodes.find((n) => n.id === '0.0');
    expect(a?.q).toBeCloseTo(2.9, 12);
    expect(a?.n).toBe(3);
    expect(checkRecordInvariants(record)).toEqual([]);
  });

  it('stops at the expansion budget', async () => {
    const policy = scriptedPolicy(script);
    const beam = createBeamSearch(
      { policy, executor, grader: exactGrader, reward: reward() },
      { beamWidth: 2, maxExpansions: 2 },
    );
    const result = await beam.search({ id: 'p', question: 'q', reference: '2' });
    expect(policy.calls.map((c) => c.nodeId)).toEqual(['0', '0.0']);
    expect(result.stats.expansions).toBe(2);
  });

  it('applies expansions in beam order whatever order the ports answer in', async () => {
    const slowFirst = (delays: Record<string, number>) => {
      const inner = scriptedPolicy(script);
      return {
        async expand(request: Parameters<typeof inner.expand>[0]) {
          for (let i = 0; i < (delays[request.nodeId] ?? 0); i++)
            await new Promise((r) => setImmediate(r));
          return inner.expand(request);
        },
      };
    };
    const run = (delays: Record<string, number>) =>
      createBeamSearch(
        { policy: slowFirst(delays), executor, grader: exactGrader, reward: reward() },
        { beamWidth: 2 },
      )
        .search({ id: 'p', question: 'q', reference: '2' })
        .then(toRecord);
    expect(await run({ '0.0': 5 })).toEqual(await run({ '0.2': 5 }));
  });

  it('needs a reward port, and says so', () => {
    expect(() =>
      createBeamSearch({ policy: scriptedPolicy({}), executor, grader: exactGrader }),
    ).toThrow('field ports.reward: beam search ranks candidates with the PPM');
    const reward: RewardPort = scriptedReward([]);
    expect(() =>
      createBeamSearch(
        { policy: scriptedPolicy({}), executor, grader: exactGrader, reward },
        { beamWidth: 0 },
      ),
    ).toThrow('field beam.beamWidth');
  });

  it('produces records that MCTS extraction reads, on the toy world', async () => {
    const world = createToyWorld({
      seed: 4,
      problems: 6,
      stepSkill: 0.6,
      minSteps: 2,
      maxSteps: 4,
    });
    const beam = createBeamSearch(world.ports, { beamWidth: 4, candidates: 4 });
    const extractor = createExtractor();
    let solved = 0;
    for (const problem of world.problems) {
      const record = toRecord(await beam.search(problem));
      expect(checkRecordInvariants(record)).toEqual([]);
      const data = extractor.extract(record);
      for (const row of data.sft)
        expect(record.nodes.find((n) => n.id === row.leaf_id)?.correct).toBe(true);
      if (record.stats.solved) solved += 1;
    }
    expect(solved).toBeGreaterThan(0);
  });
});
