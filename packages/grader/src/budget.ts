/**
 * Work accounting for one grading call. Every evaluation step charges the budget; when it runs
 * out the comparison stops with "undecided" (false). Counting work instead of reading a clock
 * keeps verdicts deterministic: the same pair always gets the same answer on any machine.
 */
export class BudgetExceeded extends Error {
  constructor() {
    super('grading work budget exceeded');
  }
}

export class Budget {
  private used = 0;

  constructor(readonly limit: number) {}

  charge(units = 1): void {
    this.used += units;
    if (this.used > this.limit) throw new BudgetExceeded();
  }

  get spent(): number {
    return this.used;
  }
}
