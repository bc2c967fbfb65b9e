import {
  compileTestTimeOptions,
  type CompiledAnswerSelection,
  type TestTimeOptions,
} from '@rstar-fleet/mcts';
import type { EvalMode } from '@rstar-fleet/protocol';
import type { AnswerRule } from './report-schema';

/** A mode's answer selection as chooseAnswer takes it, and as the report names it. */
export interface ModeRule {
  readonly selection: CompiledAnswerSelection;
  readonly rule: AnswerRule;
}

/**
 * Reads the mode's selection back from the manifest's test-time options and names the rule
 * chooseAnswer applies. Only `selection` is read (validated and defaulted by
 * compileTestTimeOptions): the compiled options as a whole do not pass compileTestTimeOptions
 * again (it refuses the compiled `solution` key), and the report needs nothing else from them.
 */
export function modeRuleOf(mode: EvalMode, field: string): ModeRule {
  const options = mode.options as Pick<TestTimeOptions, 'selection'>;
  const { selection } = compileTestTimeOptions(
    {
      mode: mode.mode,
      ...(options.selection === undefined ? {} : { selection: options.selection }),
    },
    field,
  );
  switch (mode.mode) {
    case 'system2':
    case 'beam':
      return { selection, rule: { kind: 'two-stage', topK: selection.topK, vote: selection.vote } };
    case 'best-of-n':
      return { selection, rule: { kind: 'best-scored' } };
    case 'maj':
    case 'greedy':
      return { selection, rule: { kind: 'majority' } };
  }
}
