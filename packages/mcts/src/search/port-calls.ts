import { ContextOverflowError, EXECUTION_STATUSES } from '@rstar-fleet/protocol';
import { PortError, type PortName } from '../errors';
import type { ExecutionResult, ExpandRequest, StepCandidate } from '../ports';
import { throwIfCancelled, type SearchContext } from './context';

/**
 * Each port call goes through here: cancellation wins over any error the port raised because it
 * was cancelled; other failures become PortError with the port's name; answers that break the
 * port contract (wrong count, wrong type, score out of range) are rejected instead of silently
 * corrupting the tree.
 */

async function guarded<T>(
  ctx: SearchContext,
  port: PortName,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  let value: T;
  try {
    value = await call();
  } catch (err) {
    throwIfCancelled(ctx);
    if (err instanceof PortError) throw err;
    throw new PortError(port, `${what} failed`, { cause: err });
  }
  throwIfCancelled(ctx);
  return value;
}

function contract(port: PortName, message: string): PortError {
  return new PortError(port, `contract violated: ${message}`, { code: 'INTERNAL' });
}

/** Samples candidates; null when the prompt overflowed the model's context. */
export async function callPolicy(
  ctx: SearchContext,
  request: ExpandRequest,
): Promise<StepCandidate[] | null> {
  let overflow = false;
  const candidates = await guarded(ctx, 'policy', `expand of node ${request.nodeId}`, async () => {
    try {
      return await ctx.ports.policy.expand(request);
    } catch (err) {
      if (!(err instanceof ContextOverflowError) || ctx.signal.aborted) throw err;
      overflow = true;
      return [];
    }
  });
  if (overflow) return null;
  if (!Array.isArray(candidates)) throw contract('policy', 'expand must return an array');
  for (const c of candidates as unknown[]) {
    if (!isCandidate(c)) throw contract('policy', `malformed candidate ${JSON.stringify(c)}`);
  }
  return candidates;
}

function isCandidate(value: unknown): value is StepCandidate {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<StepCandidate>;
  return (
    typeof c.text === 'string' &&
    (c.stop === null || typeof c.stop === 'string') &&
    (c.finishReason === 'stop' || c.finishReason === 'length')
  );
}

export async function callExecutor(
  ctx: SearchContext,
  programs: string[],
): Promise<ExecutionResult[]> {
  const results = await guarded(ctx, 'executor', `execution of ${programs.length} program(s)`, () =>
    ctx.ports.executor.execute(programs, ctx.signal),
  );
  if (!Array.isArray(results) || results.length !== programs.length) {
    throw contract('executor', `expected ${programs.length} results`);
  }
  for (const r of results as unknown[]) {
    const status = (r as Partial<ExecutionResult> | null)?.status;
    if (!(EXECUTION_STATUSES as readonly unknown[]).includes(status)) {
      throw contract('executor', `unknown status ${String(status)}`);
    }
  }
  return results;
}

export async function callReward(ctx: SearchContext, prefixes: string[]): Promise<number[]> {
  const reward = ctx.ports.reward;
  if (reward === undefined) throw contract('reward', 'no reward port configured');
  const scores = await guarded(ctx, 'reward', `scoring of ${prefixes.length} prefix(es)`, () =>
    reward.score(prefixes, ctx.signal),
  );
  if (!Array.isArray(scores) || scores.length !== prefixes.length) {
    throw contract('reward', `expected ${prefixes.length} scores`);
  }
  for (const s of scores as unknown[]) {
    if (typeof s !== 'number' || !(s >= -1 && s <= 1)) {
      throw contract('reward', `score ${String(s)} is not a number in [-1, 1]`);
    }
  }
  return scores;
}

export async function callGrader(ctx: SearchContext, pred: string, ref: string): Promise<boolean> {
  const verdict = await guarded(ctx, 'grader', 'grading', async () =>
    ctx.ports.grader.equal(pred, ref),
  );
  if (typeof verdict !== 'boolean') throw contract('grader', 'equal must return a boolean');
  return verdict;
}
