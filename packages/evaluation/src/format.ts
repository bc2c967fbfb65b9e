import type { AnswerRule } from './report-schema';

/** What the renderers print for a number the report does not have. */
export const MISSING = '—';

/** A share as a percentage with one decimal (`62.5`), or MISSING. */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? MISSING : (share * 100).toFixed(1);
}

/** A count or mean, short: 950, 12.5, 12.3k, 4.56M. */
export function quantity(n: number | null): string {
  if (n === null) return MISSING;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** The mode's answer rule in words (`top-4 weighted vote`). */
export function ruleLabel(rule: AnswerRule, runs: number): string {
  switch (rule.kind) {
    case 'two-stage':
      return `top-${rule.topK} ${rule.vote} vote`;
    case 'best-scored':
      return 'best PPM';
    case 'majority':
      return runs === 1 ? 'single run' : 'majority';
  }
}
