/** Test-time search (DESIGN §10): the modes, one run, one problem, and rStar's answer choice. */
export {
  compileTestTimeOptions,
  PPM_MODES,
  TEST_TIME_DEFAULTS,
  TEST_TIME_MODES,
  VOTE_RULES,
  type AnswerSelectionOptions,
  type CompiledAnswerSelection,
  type CompiledTestTimeOptions,
  type TestTimeBeamOptions,
  type TestTimeMctsOptions,
  type TestTimeMode,
  type TestTimeOptions,
  type VoteRule,
} from './options';
export { bestAnswerOf, type AnswerNodeLike, type RunAnswer } from './run-answer';
export {
  answersEquivalent,
  chooseAnswer,
  classify,
  majority,
  rankCandidates,
  selectBestScored,
  selectTwoStage,
  type AnswerClass,
  type SelectedAnswer,
} from './answer-selection';
export { sampleSolution } from './solution';
export {
  checkTestTimePorts,
  runCost,
  runTestTime,
  solveProblem,
  summarize,
  type RunOutcome,
  type TestTimeCall,
  type TestTimeCost,
  type TestTimeOutcome,
  type TestTimeProblem,
} from './driver';
export { trajectoryOf } from './trajectory';
