/**
 * @rstar-fleet/mcts — the pure search engine of rstar-fleet (no I/O): the code-augmented step
 * protocol, MCTS and step-level beam search with rStar-Math's Q rules over injected ports,
 * versioned search records, and SFT / PPM-pair extraction from those records.
 * Test doubles (a toy arithmetic world) live in `@rstar-fleet/mcts/testing`.
 */
export { createMcts } from './search/mcts';
export type { MctsEngine, SearchCallOptions } from './search/mcts';
export { createBeamSearch } from './search/beam';
export type { BeamEngine } from './search/beam';
export type { SearchProblem } from './search/problem';
export type { SearchResult } from './search/result';
export { compileMctsOptions } from './options/mcts-options';
export type { CompiledMctsOptions, MctsOptions } from './options/mcts-options';
export { compileBeamOptions } from './options/beam-options';
export type { BeamOptions, CompiledBeamOptions } from './options/beam-options';
export type { ExpansionOptions } from './options/expansion-options';
export type {
  ExecutionResult,
  ExecutorPort,
  ExpandRequest,
  GraderPort,
  PolicyPort,
  RewardPort,
  SearchPorts,
  StepCandidate,
} from './ports';
export { PortError, SearchCancelledError } from './errors';
export type { PortName } from './errors';
export { uctScore, selectChild } from './search/select';
export type { SelectionRule, UnvisitedRule } from './search/select';
export { backpropagate, setLocalValue, FAILED_TERMINAL_VALUE } from './search/q-rules';
export type { QRule } from './search/q-rules';
export { deriveSeed } from './search/seed';
export { SearchTree } from './tree/tree';
export { qValue, isSelectable, stepsTo } from './tree/node';
export type { SearchNode } from './tree/node';
export * from './step-protocol';
export { toRecord, fromRecord } from './record';
export * from './test-time';
export * from './extract';
