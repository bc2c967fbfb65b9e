import type { GraderPort } from '../ports';

/**
 * A grader double: equal when the trimmed strings match or both parse as the same finite number.
 * The real grader (@rstar-fleet/grader) handles LaTeX, fractions, units and the rest.
 */
export const exactGrader: GraderPort = {
  equal(pred: string, ref: string): boolean {
    const a = pred.trim();
    const b = ref.trim();
    if (a === b) return true;
    const x = Number(a);
    const y = Number(b);
    return a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
  },
};
