import { InvalidInputError } from '@rstar-fleet/protocol';

/** A problem to search. */
export interface SearchProblem {
  id: string;
  question: string;
  /**
   * Reference answer. Absent or null = test-time search: answers are scored by the PPM instead
   * of the grader, so a reward port is required.
   */
  reference?: string | null;
}

export interface NormalizedProblem {
  readonly id: string;
  readonly question: string;
  readonly reference: string | null;
}

export function normalizeProblem(problem: SearchProblem): NormalizedProblem {
  if (typeof problem.id !== 'string' || problem.id === '') {
    throw new InvalidInputError('expected a non-empty string', { field: 'problem.id' });
  }
  if (typeof problem.question !== 'string') {
    throw new InvalidInputError('expected a string', { field: 'problem.question' });
  }
  const reference = problem.reference ?? null;
  if (reference !== null && typeof reference !== 'string') {
    throw new InvalidInputError('expected a string or null', { field: 'problem.reference' });
  }
  return { id: problem.id, question: problem.question, reference };
}
