import { InvalidInputError, formatLocation } from '@rstar-fleet/protocol';

/** One problem found in a plan: where (file:line, dotted field) and what. */
export interface PlanIssue {
  source?: string;
  line?: number;
  /** Dotted path, list indices 0-based: `rounds.2.rollouts` is the third round's. */
  field?: string;
  message: string;
}

export function formatIssue(issue: PlanIssue): string {
  const place = formatLocation(issue);
  return place === '' ? issue.message : `${place}: ${issue.message}`;
}

/**
 * Every problem of a plan at once (INVALID_ARGUMENT, exit 65 in the CLI). The message is one
 * issue per line, each `plan.yaml:23, field rounds.2.rollouts: expected a positive integer`.
 */
export class PlanError extends InvalidInputError {
  readonly issues: readonly PlanIssue[];

  constructor(issues: readonly PlanIssue[]) {
    const [first, ...rest] = issues;
    const where: PlanIssue = first ?? { message: 'invalid plan' };
    super([where.message, ...rest.map(formatIssue)].join('\n'), {
      ...(where.source === undefined ? {} : { source: where.source }),
      ...(where.line === undefined ? {} : { line: where.line }),
      ...(where.field === undefined ? {} : { field: where.field }),
    });
    this.issues = issues;
  }
}

/** `rounds.2.rollouts` from `['rounds', 2, 'rollouts']`. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}
