import { TEST_TIME_DEFAULTS } from '@rstar-fleet/mcts';
import { compilePlan } from './compile-plan';
import { parsePlan } from './load-plan';
import { PlanError } from './plan-error';
import type { PlanFile } from './plan-schema';

const base: PlanFile = {
  corpus: { path: 'c.jsonl' },
  defaults: {
    policy: { endpoints: ['http://127.0.0.1:8000'], model: 'sim-policy-r0' },
    // System 2, a default mode, scores with it.
    ppm: { endpoints: ['http://127.0.0.1:8001'], model: 'sim-ppm-r0' },
  },
  rounds: 1,
};

function issuesOf(text: string): string[] {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (err) {
    if (err instanceof PlanError)
      return err.issues.map((i) => `${i.line}:${i.field}: ${i.message}`);
    throw err;
  }
  throw new Error('expected a PlanError');
}

const header = `corpus: {path: c.jsonl}
defaults:
  policy: {endpoints: ['http://127.0.0.1:8000'], model: p}
rounds: 1
`;

describe('evaluate:', () => {
  it('is null when the plan has none', () => {
    expect(compilePlan(base).evaluate).toBeNull();
  });

  it('defaults to greedy and System 2 with rStar’s test-time settings, the baseline included', () => {
    const plan = compilePlan({ ...base, evaluate: { benchmarks: ['gsm8k'] } });
    const e = plan.evaluate;
    expect(e).not.toBeNull();
    expect(e?.benchmarks).toEqual([{ kind: 'named', name: 'gsm8k' }]);
    expect(e?.modes.map((m) => [m.mode, m.options.runs])).toEqual([
      ['greedy', 1],
      ['system2', TEST_TIME_DEFAULTS.runs],
    ]);
    const system2 = e?.modes[1]?.options;
    expect(system2?.mcts.candidates).toBe(32);
    expect(system2?.mcts.rollouts).toBe(12);
    expect(system2?.selection).toEqual({ topK: 4, vote: 'plain' });
    expect(e?.sample).toBeNull();
    expect(e?.baseline).toBe(true);
    expect(e?.shardSize).toBe(16);
    // rStar's eval samples at temperature 1 (sft_eval_mcts.yaml), not the rounds' 0.7.
    expect(e?.sampling).toEqual({ temperature: 1 });
  });

  it('compiles the settings a user gives into every mode', () => {
    const plan = compilePlan({
      ...base,
      evaluate: {
        benchmarks: ['synth-heldout', { file: 'data/my-bench.parquet' }],
        modes: ['greedy', 'maj', 'system2'],
        runs: 8,
        sample: 50,
        seed: 7,
        baseline: false,
        sampling: { temperature: 0.5 },
        testTime: { mcts: { rollouts: 4 }, selection: { vote: 'weighted' } },
      },
    });
    const e = plan.evaluate;
    expect(e?.benchmarks[1]).toEqual({
      kind: 'file',
      name: 'my-bench',
      path: 'data/my-bench.parquet',
      adapter: 'auto',
    });
    expect(e?.modes.map((m) => [m.mode, m.options.runs, m.options.seed])).toEqual([
      ['greedy', 1, 7],
      ['maj', 8, 7],
      ['system2', 8, 7],
    ]);
    expect(e?.modes[2]?.options.mcts.rollouts).toBe(4);
    expect(e?.modes[2]?.options.selection.vote).toBe('weighted');
    expect(e?.sample).toBe(50);
    expect(e?.baseline).toBe(false);
    expect(e?.sampling).toEqual({ temperature: 0.5 });
  });

  it('names the line and field of an unknown benchmark, a repeated mode and a bad setting', () => {
    const issues = issuesOf(
      header +
        `evaluate:
  benchmarks: [gsm8k, nope]
  modes: [greedy, greedy]
  testTime:
    mcts: {rollouts: 0}
`,
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^6:evaluate\.benchmarks\.1: expected a benchmark name/),
        expect.stringMatching(/^9:evaluate\.testTime\.mcts\.rollouts: /),
      ]),
    );
    const repeated = issuesOf(
      header + 'evaluate:\n  benchmarks: [gsm8k]\n  modes: [greedy, greedy]\n',
    );
    expect(repeated).toEqual([
      expect.stringMatching(/^7:evaluate\.modes\.1: mode greedy is listed twice/),
    ]);
  });

  it('names the line of a sampling temperature out of range', () => {
    expect(
      issuesOf(header + 'evaluate:\n  benchmarks: [gsm8k]\n  sampling: { temperature: 11 }\n'),
    ).toEqual([
      expect.stringMatching(/^7:evaluate\.sampling\.temperature: expected a number in \[0, 10\]/),
    ]);
  });

  it('refuses the same benchmark twice', () => {
    expect(() => compilePlan({ ...base, evaluate: { benchmarks: ['gsm8k', 'gsm8k'] } })).toThrow(
      /benchmark gsm8k is listed twice/,
    );
  });

  describe('a mode that scores with the PPM', () => {
    const deploy = "hooks: { deploy: { command: 'deploy {round}' } }";
    /** Round 1 without a PPM, round 2 with one; each deploys its successor's models. */
    const twoRounds = (evaluate: string): string =>
      [
        'corpus: {path: c.jsonl}',
        'defaults:',
        "  policy: {endpoints: ['http://127.0.0.1:8000'], model: p}",
        `  ${deploy}`,
        'rounds:',
        '  - {}',
        "  - { ppm: {endpoints: ['http://127.0.0.1:8001'], model: q} }",
        `evaluate: ${evaluate}`,
        '',
      ].join('\n');

    it('is refused at the mode, file:line, when no PPM is configured', () => {
      expect(
        issuesOf(header + 'evaluate:\n  benchmarks: [gsm8k]\n  modes: [greedy, system2, beam]\n'),
      ).toEqual([
        expect.stringMatching(
          /^7:evaluate\.modes\.1: system2 scores with a PPM, and the models evaluated at round\(s\) 0 have none \(plan round\(s\) 1 configure no ppm\)/,
        ),
        expect.stringMatching(/^7:evaluate\.modes\.2: beam scores with a PPM/),
      ]);
      // The default modes include system2: reported at evaluate: (modes is not written).
      expect(issuesOf(header + 'evaluate: { benchmarks: [gsm8k] }\n')).toEqual([
        expect.stringMatching(/^5:evaluate\.modes: system2 scores with a PPM/),
      ]);
    });

    it('is refused where one evaluated set of models has none, and allowed where each has', () => {
      // Round 0 (the baseline) is served by round 1's servers: no PPM there.
      expect(issuesOf(twoRounds('{ benchmarks: [gsm8k], modes: [system2, best-of-n] }'))).toEqual([
        expect.stringMatching(
          /^8:evaluate\.modes\.0: system2 .* at round\(s\) 0 have none \(plan round\(s\) 1 /,
        ),
        expect.stringMatching(/^8:evaluate\.modes\.1: best-of-n scores with a PPM/),
      ]);
      // After round 1 the models are round 2's (PPM), after round 2 too (the last round's).
      const after = parsePlan(twoRounds('{ benchmarks: [gsm8k], baseline: false }'));
      expect(after.evaluate?.modes.map((m) => m.mode)).toEqual(['greedy', 'system2']);
      // Modes without a PPM need none.
      expect(
        parsePlan(twoRounds('{ benchmarks: [gsm8k], modes: [greedy, maj] }')).evaluate,
      ).not.toBeNull();
    });

    it('needs none for rounds the plan does not evaluate (no deploy hook, no baseline)', () => {
      expect(
        parsePlan(header + 'evaluate: { benchmarks: [gsm8k], baseline: false }\n').evaluate,
      ).not.toBeNull();
    });
  });
});
