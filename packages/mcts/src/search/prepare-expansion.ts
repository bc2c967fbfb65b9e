import type { ExecutionResult, StepCandidate } from '../ports';
import { cumulativeProgram, outputBlock, parseStep, type ParsedStep } from '../step-protocol';
import type { SearchNode } from '../tree/node';
import type { SearchContext } from './context';
import type { ChildDraft, ExpansionDraft } from './expansion-draft';
import { callExecutor, callGrader, callPolicy, callReward } from './port-calls';
import { deriveSeed } from './seed';

/**
 * Samples, parses, deduplicates, executes (one batched call), grades and scores (one batched
 * call) the children of `node` without touching the tree, so the tree only ever holds fully
 * resolved nodes, and beam search can apply several expansions in a fixed order.
 */
export async function prepareExpansion(
  ctx: SearchContext,
  node: SearchNode,
): Promise<ExpansionDraft> {
  const { options, stats } = ctx;
  const prompt = ctx.tree.prefixOf(node);
  const candidates = await callPolicy(ctx, {
    problemId: ctx.problem.id,
    nodeId: node.id,
    prompt,
    n: options.candidates,
    depth: node.depth + 1,
    seed: deriveSeed(options.seed, node.id),
    stop: options.protocol.stops,
    signal: ctx.signal,
  });
  if (candidates === null) return { node, overflow: true, children: [] };
  stats.expansions += 1;
  stats.candidates += candidates.length;
  countTokens(ctx, candidates);

  const children = uniqueSteps(ctx, candidates).map((step) => draftOf(ctx, node, step));
  await execute(ctx, node, children);
  await grade(ctx, children);
  await score(ctx, prompt, children);
  return { node, overflow: false, children };
}

function countTokens(ctx: SearchContext, candidates: StepCandidate[]): void {
  for (const c of candidates) {
    ctx.stats.promptTokens += c.tokens?.prompt ?? 0;
    ctx.stats.completionTokens += c.tokens?.completion ?? 0;
  }
}

/** Parsed candidates with identical step texts removed (first kept), optionally collapsed. */
function uniqueSteps(ctx: SearchContext, candidates: StepCandidate[]): ParsedStep[] {
  const seen = new Set<string>();
  const steps: ParsedStep[] = [];
  for (const candidate of candidates) {
    const step = parseStep(candidate, ctx.options.protocol);
    if (seen.has(step.text)) {
      ctx.stats.duplicates += 1;
      continue;
    }
    seen.add(step.text);
    steps.push(step);
  }
  if (ctx.options.collapseAnswers) {
    const firstAnswer = steps.find((s) => s.kind === 'answer');
    if (firstAnswer !== undefined) return [firstAnswer];
  }
  return steps;
}

function draftOf(ctx: SearchContext, parent: SearchNode, step: ParsedStep): ChildDraft {
  const draft: ChildDraft = {
    text: step.text,
    kind: step.kind,
    answer: step.kind === 'answer' ? step.answer : null,
    exec: null,
    terminal: null,
    reward: null,
    correct: null,
    ppm: null,
  };
  if (step.kind === 'answer') draft.terminal = 'answer';
  else if (step.kind === 'invalid') draft.terminal = 'invalid';
  // rStar's count: code steps at depths 1..maxDepth, an answer still allowed at maxDepth + 1.
  else if (parent.depth + 1 > ctx.options.maxDepth) draft.terminal = 'depth-limit';
  return draft;
}

/** Code steps not already terminal: their cumulative programs run in one batched call. */
async function execute(
  ctx: SearchContext,
  parent: SearchNode,
  children: ChildDraft[],
): Promise<void> {
  const runnable = children.filter(
    (c) => c.terminal === null && (c.kind === 'code' || c.kind === 'code-close'),
  );
  if (runnable.length === 0) return;
  const block = openBlockOf(parent);
  const programs = runnable.map((c) => cumulativeProgram([...block, c.text], ctx.options.protocol));
  ctx.stats.executions += programs.length;
  const results = await callExecutor(ctx, programs);
  runnable.forEach((child, i) => {
    const result = results[i];
    if (result === undefined) return;
    if (result.status === 'ok') {
      if (child.kind === 'code-close')
        child.text += outputBlock(result.stdout, ctx.options.protocol);
      return;
    }
    // Deviation from rStar, which flags any output containing "error": the sandbox's status is
    // authoritative, so a program that prints the word "error" is not a failure.
    child.exec = result.status;
    if (failuresInARow(parent) + 1 >= ctx.options.errorsThreshold) {
      child.terminal = 'code-error';
    } else if (child.kind === 'code-close') {
      // A tolerated failure that closes the block shows its error as the block's output, as
      // rStar's observation does; a tolerated intermediate step shows nothing (rStar neither).
      child.text += outputBlock(failureOutput(result), ctx.options.protocol);
    }
  });
}

/** Failed code steps in a row ending at `node` (rStar's `consecutive_errors`). */
function failuresInARow(node: SearchNode): number {
  let count = 0;
  for (let at: SearchNode | null = node; at !== null && at.exec !== null; at = at.parent) count++;
  return count;
}

function failureOutput(result: ExecutionResult): string {
  const message = result.stderr.trim() === '' ? `${result.status}` : result.stderr.trim();
  return result.stdout === '' ? message : `${result.stdout}\n${message}`;
}

/**
 * Step texts of the current code block, oldest first: ancestors up to the last closed block.
 * A step that timed out is left out (rStar's collect_action_inputs skips it), so a tolerated
 * timeout does not make every later step of the block time out too.
 */
function openBlockOf(node: SearchNode): string[] {
  const texts: string[] = [];
  for (let at: SearchNode | null = node; at !== null; at = at.parent) {
    if (at.kind === 'root' || at.kind === 'code-close') break;
    if (at.exec !== 'timeout') texts.push(at.text);
  }
  return texts.reverse();
}

async function grade(ctx: SearchContext, children: ChildDraft[]): Promise<void> {
  const reference = ctx.problem.reference;
  if (reference === null) return;
  const answers = children.filter((c) => c.terminal === 'answer');
  const verdicts = await Promise.all(
    answers.map((c) => callGrader(ctx, c.answer ?? '', reference)),
  );
  answers.forEach((child, i) => {
    child.correct = verdicts[i] === true;
    child.reward = child.correct ? 1 : -1;
  });
}

/**
 * One batched PPM call for the new non-terminal children (when steps are scored) and, at test
 * time, for the answers (whose PPM score is their reward).
 */
async function score(ctx: SearchContext, prompt: string, children: ChildDraft[]): Promise<void> {
  // A sampled solution without a PPM (greedy, maj@k) leaves its answer unscored; MCTS and beam
  // search refuse to start a test-time search without a reward port.
  const testTime = ctx.problem.reference === null && ctx.ports.reward !== undefined;
  const scored = children.filter((c) =>
    c.terminal === null ? ctx.scoreSteps : testTime && c.terminal === 'answer',
  );
  if (scored.length === 0) return;
  ctx.stats.ppmCalls += 1;
  ctx.stats.ppmScored += scored.length;
  const scores = await callReward(
    ctx,
    scored.map((c) => prompt + c.text),
  );
  scored.forEach((child, i) => {
    const value = scores[i] ?? 0;
    child.ppm = value;
    if (child.terminal === 'answer') child.reward = value;
  });
}
