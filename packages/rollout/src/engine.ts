import {
  createBeamSearch,
  createMcts,
  type SearchCallOptions,
  type SearchPorts,
  type SearchProblem,
  type SearchResult,
} from '@rstar-fleet/mcts';
import type { RoundManifest, RoundPhase } from '@rstar-fleet/protocol';
import type { CompiledRolloutOptions } from './options';

export interface UnitEngine {
  search(problem: SearchProblem, call?: SearchCallOptions): Promise<SearchResult>;
}

/**
 * The search engine of one unit, as the manifest says: MCTS with the phase's rollouts (the
 * round's own budget in phase 0, an escalation budget later), or step-level beam search. The
 * seed names the unit (searchUnitSeed), so it is an engine option. Invalid settings throw
 * InvalidInputError naming the field: the manifest is then poison for this shard.
 */
export function createUnitEngine(
  manifest: RoundManifest,
  phase: RoundPhase,
  seed: number,
  ports: SearchPorts,
  options: CompiledRolloutOptions,
): UnitEngine {
  const s = manifest.search;
  if (s.mode === 'beam') {
    return createBeamSearch(ports, {
      qRule: s.qRule,
      candidates: s.candidates,
      maxDepth: s.maxDepth,
      errorsThreshold: s.errorsThreshold,
      seed,
      beamWidth: s.beamWidth,
    });
  }
  return createMcts(ports, {
    qRule: s.qRule,
    rollouts: phase.rollouts,
    candidates: s.candidates,
    maxDepth: s.maxDepth,
    errorsThreshold: s.errorsThreshold,
    c: s.c,
    seed,
    concurrency: options.treeConcurrency,
    yieldEvery: options.yieldEvery,
  });
}
