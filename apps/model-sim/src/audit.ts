import { OP_SPECS } from '@rstar-fleet/corpus';
import type { StepProtocol } from '@rstar-fleet/mcts';
import { COMPETENCE_KEYS, type CompetenceKey } from './checkpoint';
import { recoverPrompt, splitSteps } from './recover';
import { judgeSteps } from './truth';

export interface SftExample {
  prompt: string;
  completion: string;
}
export interface PairExample {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface SkillCounts {
  correct: number;
  wrong: number;
}

export interface AuditReport {
  /** Distinct problems of the family the datasets cover. */
  problems: number;
  sft: {
    rows: number;
    /** Rows whose prompt is not a problem of the family (not judged). */
    unknownRows: number;
    steps: number;
    /** Steps after which the solution is still on a correct path. */
    correctSteps: number;
    /** Rows whose every step is correct and whose answer is right. */
    correctRows: number;
    bySkill: Record<CompetenceKey, SkillCounts>;
  };
  pairs: {
    rows: number;
    unknownRows: number;
    /** Chosen on a correct path, rejected not: the label is right. */
    chosenBetter: number;
    /** Rejected on a correct path, chosen not: the label is backwards. */
    rejectedBetter: number;
    /** Both or neither on a correct path: the truth cannot rank them. */
    undecided: number;
  };
}

const emptySkills = (): Record<CompetenceKey, SkillCounts> =>
  Object.fromEntries(COMPETENCE_KEYS.map((k) => [k, { correct: 0, wrong: 0 }])) as Record<
    CompetenceKey,
    SkillCounts
  >;

/**
 * Truth for measurement: how many SFT steps are truly correct (per skill, judged on the prefix
 * through each step) and how many preference pairs truly have the better step chosen.
 */
export function auditDatasets(
  sft: Iterable<SftExample>,
  pairs: Iterable<PairExample>,
  protocol: StepProtocol,
): AuditReport {
  const heads = new Set<string>();
  const report: AuditReport = {
    problems: 0,
    sft: {
      rows: 0,
      unknownRows: 0,
      steps: 0,
      correctSteps: 0,
      correctRows: 0,
      bySkill: emptySkills(),
    },
    pairs: { rows: 0, unknownRows: 0, chosenBetter: 0, rejectedBetter: 0, undecided: 0 },
  };
  for (const row of sft) auditSftRow(row, protocol, report, heads);
  for (const row of pairs) auditPair(row, protocol, report, heads);
  report.problems = heads.size;
  return report;
}

function auditSftRow(
  row: SftExample,
  protocol: StepProtocol,
  report: AuditReport,
  heads: Set<string>,
): void {
  report.sft.rows += 1;
  const found = recoverPrompt(row.prompt, protocol);
  if (found === null) {
    report.sft.unknownRows += 1;
    return;
  }
  heads.add(found.head);
  const k = found.problem.ops.length;
  let prefix = found.steps;
  let allCorrect = true;
  splitSteps(row.completion, protocol).forEach((step, i) => {
    prefix += step;
    const onPath = judgeSteps(found.problem, prefix, protocol).onPath;
    const op = i < k ? found.problem.ops[i] : undefined;
    const skill: CompetenceKey = op === undefined ? 'closing' : OP_SPECS[op.kind].skill;
    report.sft.steps += 1;
    report.sft.bySkill[skill][onPath ? 'correct' : 'wrong'] += 1;
    if (onPath) report.sft.correctSteps += 1;
    else allCorrect = false;
  });
  const finished = judgeSteps(found.problem, prefix, protocol);
  if (allCorrect && finished.onPath && finished.progress === 1) report.sft.correctRows += 1;
}

function auditPair(
  row: PairExample,
  protocol: StepProtocol,
  report: AuditReport,
  heads: Set<string>,
): void {
  report.pairs.rows += 1;
  const chosen = recoverPrompt(row.prompt + row.chosen, protocol);
  const rejected = recoverPrompt(row.prompt + row.rejected, protocol);
  if (chosen === null || rejected === null) {
    report.pairs.unknownRows += 1;
    return;
  }
  heads.add(chosen.head);
  const good = judgeSteps(chosen.problem, chosen.steps, protocol).onPath;
  const bad = judgeSteps(rejected.problem, rejected.steps, protocol).onPath;
  if (good && !bad) report.pairs.chosenBetter += 1;
  else if (bad && !good) report.pairs.rejectedBetter += 1;
  else report.pairs.undecided += 1;
}
