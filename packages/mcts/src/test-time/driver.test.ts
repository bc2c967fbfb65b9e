import { InvalidInputError } from '@rstar-fleet/protocol';
import { createToyWorld } from '../testing';
import { checkRecordInvariants } from '../testing';
import { solveProblem, summarize } from './driver';
import { compileTestTimeOptions, TEST_TIME_MODES } from './options';
import { trajectoryOf } from './trajectory';

const SMALL = { mcts: { candidates: 4, rollouts: 6 }, beam: { candidates: 3, beamWidth: 3 } };

describe('test-time driver', () => {
  const world = createToyWorld({ seed: 6, problems: 2, stepSkill: 0.8, ppmNoise: 0.1 });
  const problem = world.problems[0]!;

  it("defaults to rStar's eval configuration", () => {
    const o = compileTestTimeOptions();
    expect(o).toMatchObject({ mode: 'system2', runs: 64, seed: 0 });
    expect(o.mcts).toMatchObject({
      candidates: 32,
      rollouts: 12,
      maxDepth: 16,
      c: 2,
      qRule: 'ppm',
    });
    expect(o.selection).toEqual({ topK: 4, vote: 'plain' });
    expect(o.beam).toMatchObject({ candidates: 8, beamWidth: 8 });
    expect(compileTestTimeOptions({ mode: 'greedy', runs: 9 }).runs).toBe(1);
    expect(() => compileTestTimeOptions({ runs: 0 })).toThrow(/testTime\.runs/);
    expect(() => compileTestTimeOptions({ selection: { topK: 0 } })).toThrow(/selection\.topK/);
  });

  it('system2: every run searched with its own seed, PPM on every node, no ground truth', async () => {
    const options = compileTestTimeOptions({ ...SMALL, runs: 5, seed: 10 });
    const seen: number[] = [];
    const out = await solveProblem(world.ports, options, problem, {
      onRun: (r) => seen.push(r.run),
    });
    expect(out.runs.map((r) => r.seed)).toEqual([10, 11, 12, 13, 14]);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    for (const { record, answer } of out.runs) {
      checkRecordInvariants(record);
      expect(record.reference).toBeNull();
      expect(record.search).toMatchObject({ algorithm: 'mcts', qRule: 'ppm', candidates: 4 });
      // Every node but the root and failed terminals carries a PPM score, answers included.
      for (const n of record.nodes) {
        if (n.kind === 'root' || (n.terminal !== undefined && n.terminal !== 'answer')) continue;
        expect(n.ppm).toEqual(expect.any(Number));
        expect(n.correct).toBeUndefined();
      }
      if (answer !== null) {
        const node = record.nodes.find((n) => n.id === answer.nodeId)!;
        expect(node.ppm).toBe(answer.score);
        expect(trajectoryOf(record, answer.nodeId).at(-1)).toBe(node);
      }
    }
    expect(out.answer?.answer).toBe(problem.reference);
    expect(out.cost.ppmCalls).toBe(out.runs.reduce((s, r) => s + r.record.stats.ppmCalls, 0));
    // The final choice is recomputable from the runs alone.
    expect(await summarize(options, problem, out.runs, world.ports)).toEqual(out);
  });

  it.each(TEST_TIME_MODES)('%s: answers on the same ports', async (mode) => {
    const options = compileTestTimeOptions({ ...SMALL, mode, runs: 4 });
    const out = await solveProblem(world.ports, options, problem);
    expect(out.mode).toBe(mode);
    expect(out.runs).toHaveLength(mode === 'greedy' ? 1 : 4);
    expect(out.answer).not.toBeNull();
    for (const { record } of out.runs) checkRecordInvariants(record);
  });

  it('sampled solutions are single paths; without a PPM their answers stay unscored', async () => {
    const { reward: _reward, ...policyOnly } = world.ports;
    const out = await solveProblem(
      policyOnly,
      compileTestTimeOptions({ mode: 'maj', runs: 3 }),
      problem,
    );
    for (const { record, answer } of out.runs) {
      expect(record.stats.ppmCalls).toBe(0);
      expect(record.nodes.every((n, i) => i === 0 || n.parent === record.nodes[i - 1]!.id)).toBe(
        true,
      );
      const depths = record.nodes.map((n) => n.depth);
      expect(depths).toEqual(depths.map((_, i) => i));
      if (answer !== null) expect(answer.score).toBeNull();
    }
  });

  it('the PPM modes refuse ports without a PPM', async () => {
    const { reward: _reward, ...policyOnly } = world.ports;
    for (const mode of ['system2', 'best-of-n', 'beam'] as const) {
      await expect(
        solveProblem(policyOnly, compileTestTimeOptions({ mode, runs: 1 }), problem),
      ).rejects.toThrow(InvalidInputError);
    }
  });
});
