import { createMcts } from '../search/mcts';
import { toRecord } from '../record';
import { qValue } from '../tree/node';
import { createToyWorld } from './toy-world';
import type { ExpandRequest } from '../ports';

const request = (problemId: string, prompt: string, seed = 1): ExpandRequest => ({
  problemId,
  nodeId: '0',
  prompt,
  n: 6,
  depth: 1,
  seed,
  stop: ['<end_of_step>', '<end_of_code>', '<end_of_answer>'],
});

describe('toy arithmetic world (test doubles)', () => {
  it('generates the same problems for the same seed, with consistent canonical values', () => {
    const a = createToyWorld({ seed: 3, problems: 5, minSteps: 2, maxSteps: 5 });
    const b = createToyWorld({ seed: 3, problems: 5, minSteps: 2, maxSteps: 5 });
    expect(a.problems).toEqual(b.problems);
    expect(createToyWorld({ seed: 4, problems: 5 }).problems).not.toEqual(a.problems);
    for (const p of a.problems) {
      expect(p.operations.length).toBeGreaterThanOrEqual(2);
      expect(p.operations.length).toBeLessThanOrEqual(5);
      expect(p.values.at(-1)).toBe(p.answer);
      expect(p.reference).toBe(String(p.answer));
      expect(p.values.every((v) => v > 0)).toBe(true);
    }
  });

  it('has a policy double that answers the same request the same way', async () => {
    const world = createToyWorld({ seed: 1, problems: 1, stepSkill: 0.5 });
    const problem = world.problems[0]!;
    const prompt = `<|user|>:\n${problem.question}\n<|assistant|>: Let's think step by step and solve the problem with code.`;
    const first = await world.ports.policy.expand(request(problem.id, prompt));
    expect(await world.ports.policy.expand(request(problem.id, prompt))).toEqual(first);
    expect(await world.ports.policy.expand(request(problem.id, prompt, 2))).not.toEqual(first);
    expect(first).toHaveLength(6);
  });

  it('is solved on the first rollout by a perfect policy, and never by one whose code always raises', async () => {
    const perfect = createToyWorld({ seed: 2, problems: 6, stepSkill: 1 });
    for (const problem of perfect.problems) {
      const result = await createMcts(perfect.ports, { rollouts: 1, candidates: 2 }).search(
        problem,
      );
      expect(result.stats).toMatchObject({ solved: true, wrong: 0 });
      const answer = [...result.tree.nodes()].find((n) => n.terminal === 'answer');
      expect(answer?.answer).toBe(problem.reference);
      // The canonical path is all on-path according to the ground truth.
      expect(perfect.judge(problem.id, result.tree.prefixOf(answer!))).toEqual({
        onPath: true,
        progress: 1,
      });
    }
    const broken = createToyWorld({
      seed: 2,
      problems: 3,
      stepSkill: 0,
      mistakes: { 'wrong-constant': 0, raises: 1, 'premature-answer': 0, truncated: 0 },
    });
    for (const problem of broken.problems) {
      const result = await createMcts(broken.ports, { rollouts: 4, candidates: 3 }).search(problem);
      expect(result.stats.solved).toBe(false);
      expect(result.stats.terminals['code-error']).toBeGreaterThan(0);
    }
  });

  it('has a PPM double that knows whether a prefix is on a correct path', async () => {
    const world = createToyWorld({ seed: 5, problems: 1, ppmNoise: 0, minSteps: 2, maxSteps: 2 });
    const problem = world.problems[0]!;
    const prompt = `<|user|>:\n${problem.question}\n<|assistant|>: Let's think step by step and solve the problem with code.`;
    const [op] = problem.operations;
    const good = `${prompt}<code>\n# Step 1: go\nx1 = ${problem.start} ${op!.op} ${op!.operand}\n<end_of_step>`;
    const bad = `${prompt}<code>\n# Step 1: go\nx1 = ${problem.start} ${op!.op} ${op!.operand + 1}\n<end_of_step>`;
    const [sGood, sBad] = await world.ports.reward!.score([good, bad]);
    // 1 of k + 2 = 4 parts written: confidence 0.2 + 0.6 · 1/4 = 0.35.
    expect(sGood).toBeCloseTo(0.35, 12);
    expect(sBad).toBeCloseTo(-0.35, 12);
    expect(world.judge(problem.id, bad).onPath).toBe(false);
  });

  it('makes MCTS Q values separate correct from flawed steps (a measuring instrument)', async () => {
    const world = createToyWorld({
      seed: 8,
      problems: 12,
      stepSkill: 0.6,
      minSteps: 2,
      maxSteps: 4,
      ppmNoise: 0.3,
    });
    const on: number[] = [];
    const off: number[] = [];
    for (const problem of world.problems) {
      const result = await createMcts(world.ports, {
        qRule: 'ppm',
        rollouts: 16,
        candidates: 4,
      }).search(problem);
      for (const node of result.tree.nodes()) {
        if (node.parent === null || node.n === 0 || node.terminal !== null) continue;
        (world.judge(problem.id, result.tree.prefixOf(node)).onPath ? on : off).push(qValue(node));
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(on.length).toBeGreaterThan(10);
    expect(off.length).toBeGreaterThan(10);
    expect(mean(on) - mean(off)).toBeGreaterThan(0.5);
  });

  it('overflows the context when asked to, and the search carries on', async () => {
    // The root prompt of this problem is 274 characters; each step adds about 70.
    const world = createToyWorld({
      seed: 1,
      problems: 1,
      minSteps: 4,
      maxSteps: 4,
      stepSkill: 1,
      maxPromptChars: 420,
    });
    const record = toRecord(
      await createMcts(world.ports, { rollouts: 4, candidates: 2 }).search(world.problems[0]!),
    );
    expect(record.stats.contextOverflows).toBeGreaterThan(1);
    expect(record.nodes[0]?.terminal).toBeUndefined();
    const overflowed = record.nodes.filter((n) => n.terminal === 'invalid');
    expect(overflowed.length).toBe(record.stats.contextOverflows);
    expect(overflowed.every((n) => n.depth === 3 && n.kind === 'code')).toBe(true);
  });

  it('validates its options, naming the field', () => {
    expect(() => createToyWorld({ stepSkill: 2 })).toThrow('field toyWorld.stepSkill');
    expect(() => createToyWorld({ minSteps: 3, maxSteps: 2 })).toThrow('field toyWorld.maxSteps');
  });
});
