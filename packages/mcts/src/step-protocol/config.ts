import { InvalidInputError } from '@rstar-fleet/protocol';
import { booleanOption, intOption, rejectUnknownKeys, stringOption } from '../options/validate';

/**
 * Tags and prompt template of the code-augmented step protocol. Defaults are rStar-Math's
 * (the fine-tuned SLM's template and special tokens); a different model family changes them here.
 */
export interface StepProtocolConfig {
  /** Prompt template; every `{question}` is replaced by the problem text. */
  promptTemplate: string;
  /** Ends a code step inside an open block; the step is executed, its output not shown. */
  stepEnd: string;
  /** Opens a code block (stripped from the program). */
  codeStart: string;
  /** Ends the last code step of a block; the block is executed and its output appended. */
  codeEnd: string;
  outputStart: string;
  outputEnd: string;
  /** Ends the answer step (which carries `\boxed{…}`). */
  answerEnd: string;
  /** Output longer than this is cut to its first `outputHeadChars` + "..." + last `outputTailChars`. */
  maxOutputChars: number;
  outputHeadChars: number;
  outputTailChars: number;
  /** rStar rounds a purely numeric output to 4 decimals when that makes it shorter. */
  roundNumericOutput: boolean;
}

export const DEFAULT_STEP_PROTOCOL: Readonly<StepProtocolConfig> = Object.freeze({
  promptTemplate:
    "<|user|>:\n{question}\n<|assistant|>: Let's think step by step and solve the problem with code.",
  stepEnd: '<end_of_step>',
  codeStart: '<code>',
  codeEnd: '<end_of_code>',
  outputStart: '<output>',
  outputEnd: '<end_of_output>',
  answerEnd: '<end_of_answer>',
  maxOutputChars: 1024,
  outputHeadChars: 512,
  outputTailChars: 512,
  roundNumericOutput: true,
});

/** A validated protocol plus the stop list sent to the policy. */
export interface StepProtocol extends Readonly<StepProtocolConfig> {
  readonly stops: readonly string[];
}

const KEYS = Object.keys(DEFAULT_STEP_PROTOCOL);
const TAG_KEYS = [
  'stepEnd',
  'codeStart',
  'codeEnd',
  'outputStart',
  'outputEnd',
  'answerEnd',
] as const;

/** Validates protocol options once; `field` prefixes error field names. */
export function compileStepProtocol(
  options: Partial<StepProtocolConfig> = {},
  field = 'protocol',
): StepProtocol {
  rejectUnknownKeys(options, KEYS, field);
  const merged: StepProtocolConfig = { ...DEFAULT_STEP_PROTOCOL, ...options };
  stringOption(merged.promptTemplate, `${field}.promptTemplate`);
  if (!merged.promptTemplate.includes('{question}')) {
    throw new InvalidInputError('must contain {question}', { field: `${field}.promptTemplate` });
  }
  for (const key of TAG_KEYS) stringOption(merged[key], `${field}.${key}`);
  const stops = [merged.stepEnd, merged.codeEnd, merged.answerEnd];
  if (new Set(stops).size !== stops.length) {
    throw new InvalidInputError('stepEnd, codeEnd and answerEnd must differ', {
      field: `${field}.answerEnd`,
    });
  }
  intOption(merged.maxOutputChars, `${field}.maxOutputChars`, { min: 1 });
  intOption(merged.outputHeadChars, `${field}.outputHeadChars`, { min: 0 });
  intOption(merged.outputTailChars, `${field}.outputTailChars`, { min: 0 });
  if (merged.outputHeadChars + merged.outputTailChars > merged.maxOutputChars) {
    throw new InvalidInputError(
      'outputHeadChars + outputTailChars must not exceed maxOutputChars',
      {
        field: `${field}.outputTailChars`,
      },
    );
  }
  booleanOption(merged.roundNumericOutput, `${field}.roundNumericOutput`);
  return Object.freeze({ ...merged, stops: Object.freeze(stops) });
}
