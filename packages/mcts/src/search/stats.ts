import type { SearchStats } from '@rstar-fleet/protocol';

/** Counters of one search; stored in its record and exported as metrics by the worker. */
export function createStats(): SearchStats {
  return {
    rollouts: 0,
    expansions: 0,
    candidates: 0,
    duplicates: 0,
    executions: 0,
    ppmCalls: 0,
    ppmScored: 0,
    promptTokens: 0,
    completionTokens: 0,
    contextOverflows: 0,
    terminals: { answer: 0, 'code-error': 0, invalid: 0, 'depth-limit': 0 },
    correct: 0,
    wrong: 0,
    solved: false,
  };
}
