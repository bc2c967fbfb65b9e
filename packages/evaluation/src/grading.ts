import type { GraderPort } from '@rstar-fleet/mcts';

/**
 * Grades answers against references with the grader's equivalence, tried in both argument orders
 * as answer selection compares answers (rStar's `math_equiv`; the grader's rules are not all
 * symmetric). Verdicts are memoised: the grader is pure, and a report asks the same pair once per
 * curve point.
 */
export class Judge {
  private readonly verdicts = new Map<string, Promise<boolean>>();

  constructor(private readonly grader: GraderPort) {}

  /** A grader port answering from the memo, for chooseAnswer's grouping of answers. */
  readonly port: GraderPort = { equal: (a, b) => this.oneWay(a, b) };

  /** Whether `answer` is equivalent to `reference` (either order); no answer is wrong. */
  async correct(answer: string | null, reference: string): Promise<boolean> {
    if (answer === null) return false;
    return (await this.oneWay(answer, reference)) || (await this.oneWay(reference, answer));
  }

  private oneWay(a: string, b: string): Promise<boolean> {
    const key = `${a}\u0000${b}`;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = Promise.resolve(this.grader.equal(a, b));
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }
}
