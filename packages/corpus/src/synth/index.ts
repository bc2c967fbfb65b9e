/** The synthetic problem family: generator, question grammar, canonical solutions, exact runs. */
export { SKILLS, OP_KINDS, OP_SPECS, skillOf } from './ops';
export type { Op, OpKind, OpSpec, Skill } from './ops';
export { generateProblem, answerOf, skillsOf, MIN_STEPS, MAX_STEPS, SUBJECTS } from './problem';
export type { SynthProblem } from './problem';
export type { Subject } from './template';
export { renderQuestion, parseQuestion } from './question';
export {
  variable,
  previousOf,
  codeStepText,
  printStepText,
  outputText,
  answerStepText,
  boxedValue,
  canonicalSolution,
} from './solution';
export { TAGS } from './tags';
export { synthRecord, synthRecordSchema, synthId, difficultyBand } from './record';
export type { SynthRecord, DifficultyBand } from './record';
export { writeSynthCorpus } from './write';
export { runMiniPython } from './mini-python';
export type { MiniRun } from './mini-python';
export { rational, formatRational, parseRational, equalRational, type Rational } from './rational';
export { createRng, keyedRng, hashKey } from './rng';
export type { SynthRng } from './rng';
export { runPythonBatch } from './python-batch';
export type { PythonRun } from './python-batch';
