import type { ExecutionStatus, StepKind, TerminalKind } from '@rstar-fleet/protocol';
import type { SearchNode } from '../tree/node';

/** A child fully resolved (executed, graded, scored) but not yet in the tree. */
export interface ChildDraft {
  text: string;
  kind: StepKind;
  answer: string | null;
  exec: ExecutionStatus | null;
  terminal: TerminalKind | null;
  /** Reward back-propagated from an answer terminal: ±1, or the PPM score at test time. */
  reward: number | null;
  correct: boolean | null;
  ppm: number | null;
}

/** The outcome of an expansion, applied to the tree in one synchronous step. */
export interface ExpansionDraft {
  readonly node: SearchNode;
  /** The prompt overflowed the policy's context: the node becomes an invalid terminal. */
  readonly overflow: boolean;
  readonly children: ChildDraft[];
}
