/**
 * The default step-protocol tags (rStar-Math's; equal to `DEFAULT_STEP_PROTOCOL` of
 * @rstar-fleet/mcts, which this package does not depend on — the simulator's tests check they
 * agree). Canonical solutions are written in this protocol.
 */
export const TAGS = Object.freeze({
  codeStart: '<code>',
  stepEnd: '<end_of_step>',
  codeEnd: '<end_of_code>',
  outputStart: '<output>',
  outputEnd: '<end_of_output>',
  answerStart: '<answer>',
  answerEnd: '<end_of_answer>',
});
