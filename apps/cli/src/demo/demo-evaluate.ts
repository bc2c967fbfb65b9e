/**
 * The demo plan's `evaluate:` section: each round's SIMULATED models (and the starting ones,
 * round 0) on the synthetic family's held-out split, the policy alone (greedy) and policy + PPM
 * (System 2). Budgets far below rStar's test-time defaults (64 runs of 32 candidates × 12
 * rollouts), set here in the demo's plan and not by changing defaults. Measured on 40 held-out
 * problems with 4 runs of 4 candidates × 8 rollouts: one evaluation cost 4-5 times round 1's
 * search (System 2 is ~140 policy calls per problem, greedy ~7), far over the demo's budget of
 * about 60 % more time for all five. With 2 runs, `demo --problems 12 --eval-problems 20` took
 * 403 s, 218 s of it the five evaluations: still over that budget on such a small corpus.
 */
export function demoEvaluateSection(): Record<string, unknown> {
  return {
    benchmarks: ['synth-heldout'],
    modes: ['greedy', 'system2'],
    runs: 2,
    testTime: { mcts: { candidates: 4, rollouts: 8 } },
  };
}
