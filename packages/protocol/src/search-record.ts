import { z } from 'zod';
import { InvalidInputError, type InputLocation } from './errors';
import { Q_RULES, SEARCH_MODES } from './dialects';

/**
 * The stored result of searching one problem (MCTS or beam search): the whole tree with every
 * node's text, value and outcome. Datasets (SFT rows, PPM pairs) are extracted from these records,
 * so they can be re-extracted with other settings without searching again. The engine that writes
 * them lives in @rstar-fleet/mcts; the schema lives here so any service can validate a record
 * without depending on the engine.
 */
export const SEARCH_RECORD_VERSION = 1;

/** What a tree node's step is, from the step protocol. */
export const STEP_KINDS = [
  /** The problem itself; its text is empty (the prompt is stored once, at the record level). */
  'root',
  /** A code step inside an open code block (ended by `<end_of_step>`); executed, output hidden. */
  'code',
  /** The step that closes a code block (`<end_of_code>`); its text carries the output. */
  'code-close',
  /** A step with a final `\boxed{}` answer. */
  'answer',
  /** A step the protocol cannot use: truncated, or no recognised stop tag. */
  'invalid',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Why a node ends its branch. */
export const TERMINAL_KINDS = [
  /** A final answer; graded ±1 (or PPM-scored at test time) and back-propagated. */
  'answer',
  /** The step's cumulative program failed (error, timeout, memory or output limit). */
  'code-error',
  /** Truncated or unparseable step, an empty expansion, or a context overflow. */
  'invalid',
  /** A non-answer step at the maximum depth. */
  'depth-limit',
] as const;
export type TerminalKind = (typeof TERMINAL_KINDS)[number];

/** Outcome of executing a program in the sandbox; user-code failure is a normal result. */
export const EXECUTION_STATUSES = ['ok', 'error', 'timeout', 'memory', 'output-limit'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

const count = z.number().int().min(0);

export const SearchRecordNodeSchema = z.object({
  /** Stable path id: root `"0"`, its children `"0.0"`, `"0.1"`, … */
  id: z.string().min(1),
  parent: z.string().min(1).nullable(),
  depth: count,
  /** The step exactly as it appears in the prompt of its children (stop tag and output included). */
  text: z.string(),
  kind: z.enum(STEP_KINDS),
  /** Value sum q(s); Q(s) = q/n, 0 when n = 0. */
  q: z.number().finite(),
  /** Visit count N(s). */
  n: count,
  terminal: z.enum(TERMINAL_KINDS).optional(),
  /** All children are terminal or exhausted: the node is no longer selectable (Q kept). */
  exhausted: z.boolean().optional(),
  /** The PPM's score of this node's prefix, when it was scored. */
  ppm: z.number().min(-1).max(1).optional(),
  answer: z.string().optional(),
  /** Grader verdict for answer nodes; absent at test time (no reference). */
  correct: z.boolean().optional(),
  /** Execution status when the node's program did not run cleanly. */
  exec: z.enum(EXECUTION_STATUSES).optional(),
});
export type SearchRecordNode = z.infer<typeof SearchRecordNodeSchema>;

export const SearchSettingsSchema = z.object({
  algorithm: z.enum(SEARCH_MODES),
  qRule: z.enum(Q_RULES),
  candidates: z.number().int().min(1),
  maxDepth: z.number().int().min(1),
  seed: z.number().int(),
  collapseAnswers: z.boolean(),
  /** Consecutive failed code steps that end a branch (absent in records made before it existed). */
  errorsThreshold: z.number().int().min(1).optional(),
  rollouts: z.number().int().min(0).optional(),
  c: z.number().finite().min(0).optional(),
  unvisited: z.enum(['zero', 'infinite']).optional(),
  concurrency: z.number().int().min(1).optional(),
  beamWidth: z.number().int().min(1).optional(),
  /** Expansion budget of a beam search; null = unlimited. */
  maxExpansions: z.number().int().min(1).nullable().optional(),
});
export type SearchSettings = z.infer<typeof SearchSettingsSchema>;

export const SearchStatsSchema = z.object({
  rollouts: count,
  expansions: count,
  candidates: count,
  duplicates: count,
  executions: count,
  ppmCalls: count,
  ppmScored: count,
  promptTokens: count,
  completionTokens: count,
  contextOverflows: count,
  terminals: z.object({
    answer: count,
    'code-error': count,
    invalid: count,
    'depth-limit': count,
  }),
  correct: count,
  wrong: count,
  solved: z.boolean(),
});
export type SearchStats = z.infer<typeof SearchStatsSchema>;

/** Slack for float sums when checking |Q| ≤ 1 (q is a sum of at most n values in [−1, 1]). */
const Q_EPSILON = 1e-9;

export const SearchRecordSchema = z
  .object({
    v: z.literal(SEARCH_RECORD_VERSION),
    problemId: z.string().min(1),
    question: z.string(),
    /** Reference answer; null for test-time search (answers scored by the PPM). */
    reference: z.string().nullable(),
    /** The rendered prompt of the root; a node's prefix is this plus its ancestors' texts. */
    prompt: z.string(),
    search: SearchSettingsSchema,
    stats: SearchStatsSchema,
    nodes: z.array(SearchRecordNodeSchema).min(1),
  })
  .superRefine((record, ctx) => {
    const seen = new Map<string, { depth: number; terminal: boolean }>();
    record.nodes.forEach((node, i) => {
      const issue = (field: string, message: string): void => {
        ctx.addIssue({ code: 'custom', path: ['nodes', i, field], message });
      };
      if (seen.has(node.id)) issue('id', `duplicate node id ${node.id}`);
      if (i === 0) {
        if (node.parent !== null || node.depth !== 0 || node.kind !== 'root') {
          issue('kind', 'the first node must be the root (parent null, depth 0, kind root)');
        }
      } else {
        const parent = node.parent === null ? undefined : seen.get(node.parent);
        if (parent === undefined) {
          issue('parent', 'must name a node listed before this one');
        } else {
          if (node.depth !== parent.depth + 1) issue('depth', 'must be the parent depth + 1');
          if (parent.terminal) issue('parent', 'a terminal node cannot have children');
        }
        if (node.kind === 'root') issue('kind', 'only the first node can be the root');
      }
      if (Math.abs(node.q) > node.n + Q_EPSILON) issue('q', `|q| must not exceed n (${node.n})`);
      if ((node.terminal === 'answer') !== (node.kind === 'answer')) {
        issue('terminal', 'answer nodes, and only they, are answer terminals');
      }
      if (node.correct !== undefined && node.kind !== 'answer') {
        issue('correct', 'only answer nodes are graded');
      }
      if (node.correct !== undefined && record.reference === null) {
        issue('correct', 'cannot be graded without a reference');
      }
      seen.set(node.id, { depth: node.depth, terminal: node.terminal !== undefined });
    });
  });
export type SearchRecord = z.infer<typeof SearchRecordSchema>;

function fieldOf(path: ReadonlyArray<PropertyKey>): string | undefined {
  return path.length === 0 ? undefined : path.map(String).join('.');
}

/**
 * Validates a parsed search record. Throws InvalidInputError naming the first offending field
 * (e.g. `nodes.3.q`) and the number of further problems, with `where` as the source location.
 */
export function parseSearchRecord(input: unknown, where: InputLocation = {}): SearchRecord {
  const result = SearchRecordSchema.safeParse(input);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem(s))`;
  throw new InvalidInputError(
    `invalid search record: ${first?.message ?? 'unknown problem'}${more}`,
    { ...where, field: fieldOf(first?.path ?? []) },
    { cause: result.error },
  );
}

/** Parses one JSON line (e.g. of a shard's result file) into a validated search record. */
export function parseSearchRecordJson(text: string, where: InputLocation = {}): SearchRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError('search record is not valid JSON', where, { cause });
  }
  return parseSearchRecord(value, where);
}
