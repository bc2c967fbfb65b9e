/**
 * @rstar-fleet/grader — answer extraction and exact mathematical equivalence. Pure: no I/O, no
 * clocks, no randomness beyond a fixed seed, bounded work per call.
 */
export { extractAnswer } from './extract';
export {
  DEFAULT_GRADE_OPTIONS,
  explainEquivalence,
  explainGrade,
  gradeAnswer,
  isEquivalent,
  type GradeExplanation,
  type GradeOptions,
} from './grade';
export { normalizeLatex } from './normalize';
