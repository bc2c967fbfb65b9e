import {
  createBeamSearch,
  createMcts,
  type SearchPorts,
  type SearchProblem,
  type SearchResult,
} from '@rstar-fleet/mcts';
import type { DemoOptions } from './demo-options';

/** The search configurations the demo compares on the same problems. */
export const DEMO_MODES = ['mcts-terminal', 'mcts-ppm', 'beam'] as const;
export type DemoMode = (typeof DEMO_MODES)[number];

export const DEMO_MODE_LABELS: Record<DemoMode, string> = {
  'mcts-terminal': 'MCTS, terminal-guided Q (rStar rounds 1-2)',
  'mcts-ppm': 'MCTS, PPM-augmented Q (rStar rounds 3-4)',
  beam: 'step-level beam search, PPM-ranked',
};

export interface SearchRunner {
  search(problem: SearchProblem): Promise<SearchResult>;
}

export function createSearchRunner(
  mode: DemoMode,
  ports: SearchPorts,
  options: DemoOptions,
): SearchRunner {
  const common = { candidates: options.candidates, seed: options.seed };
  switch (mode) {
    case 'mcts-terminal':
      return createMcts(ports, { ...common, rollouts: options.rollouts, qRule: 'terminal' });
    case 'mcts-ppm':
      return createMcts(ports, { ...common, rollouts: options.rollouts, qRule: 'ppm' });
    case 'beam':
      // Beam width 4 keeps its expansion budget in the same range as MCTS's at 16 rollouts.
      return createBeamSearch(ports, { ...common, beamWidth: 4 });
  }
}
