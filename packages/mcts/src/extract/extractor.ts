import type { SearchRecord } from '@rstar-fleet/protocol';
import {
  compileExtractionOptions,
  type CompiledExtractionOptions,
  type ExtractionOptions,
} from './options';
import type { PairFilterCounts } from './pair-filter';
import { indexRecord } from './record-tree';
import type { ProblemDataset, ProblemStatsRow } from './rows';
import { sftRows } from './sft';
import { stepPairs } from './step-pairs';
import { trajectoriesOf } from './trajectories';
import { trajectoryPairs } from './trajectory-pairs';

export interface Extractor {
  readonly options: CompiledExtractionOptions;
  /** SFT rows, PPM pairs and a stats row for one stored search (validate it with fromRecord or
   *  parseSearchRecord first when it comes from outside). */
  extract(record: SearchRecord): ProblemDataset;
}

/** Options are validated once; the extractor is pure and can be reused across shards. */
export function createExtractor(options: ExtractionOptions = {}): Extractor {
  const compiled = compileExtractionOptions(options);
  return { options: compiled, extract: (record) => extractProblem(record, compiled) };
}

function extractProblem(record: SearchRecord, options: CompiledExtractionOptions): ProblemDataset {
  const tree = indexRecord(record);
  const counts: PairFilterCounts = { belowMargin: 0, tooSimilar: 0 };
  const graded = record.reference !== null;
  const trajectories = graded ? trajectoriesOf(tree) : [];
  const sft = graded ? sftRows(tree, trajectories, options) : [];
  const steps = graded ? stepPairs(tree, options, counts) : [];
  const whole =
    graded && options.trajectoryPairs ? trajectoryPairs(tree, trajectories, options, counts) : [];
  const correct = trajectories.filter((t) => t.correct).length;
  const wrong = trajectories.length - correct;
  const stats: ProblemStatsRow = {
    problem_id: record.problemId,
    graded,
    solved: correct > 0,
    nodes: record.nodes.length,
    answers: record.nodes.filter((n) => n.terminal === 'answer').length,
    correct_answers: correct,
    wrong_answers: wrong,
    failed_leaves: record.nodes.filter((n) => n.terminal !== undefined && n.terminal !== 'answer')
      .length,
    correct_share: trajectories.length === 0 ? 0 : correct / trajectories.length,
    sft_rows: sft.length,
    step_pairs: steps.length,
    trajectory_pairs: whole.length,
    pairs_below_margin: counts.belowMargin,
    pairs_too_similar: counts.tooSimilar,
  };
  return { sft, pairs: [...steps, ...whole], stats };
}
