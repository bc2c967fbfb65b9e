/**
 * The demo plan's `evaluate:` section: each round's SIMULATED models (and the starting ones,
 * round 0) on the synthetic family's held-out split, the policy alone (greedy) and policy + PPM
 * (System 2). Budgets far below rStar's test-time defaults (64 runs of 32 candidates × 12
 * rollouts), set here in the demo's plan and not by changing defaults: 4 runs of MCTS with
 * 4 candidates × 8 rollouts keep the five evaluations to about half of the rounds' own time.
 */
export function demoEvaluateSection(): Record<string, unknown> {
  return {
    benchmarks: ['synth-heldout'],
    modes: ['greedy', 'system2'],
    runs: 4,
    testTime: { mcts: { candidates: 4, rollouts: 8 } },
  };
}
