/**
 * Test doubles for @rstar-fleet/mcts: the toy arithmetic world (NOT models, NOT Python).
 * Import as `@rstar-fleet/mcts/testing`.
 */
export { createToyWorld } from './toy-world';
export type { ToyWorld, ToyWorldOptions } from './toy-world';
export type { ToyProblem, ToyOperation } from './toy-problems';
export type { ToyMistake } from './toy-policy';
export type { ToyVerdict } from './toy-truth';
export { exactGrader } from './toy-grader';
export { runToyProgram, interpretToyProgram } from './toy-interpreter';
export { scriptedPolicy, scriptedReward, scriptedStep } from './scripted';
export type { ScriptedPolicy, ScriptedReward } from './scripted';
export { checkRecordInvariants } from './invariants';
export { testEvalManifest, type TestEvalMode } from './eval-manifest';
