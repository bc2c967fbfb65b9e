import {
  createMcts,
  type ExecutionResult,
  type ExecutorPort,
  type ExpandRequest,
  type GraderPort,
  type MctsOptions,
  type RewardPort,
  type SearchProblem,
  type SearchResult,
  type StepCandidate,
} from '@rstar-fleet/mcts';
import { InvalidInputError, type ContextOverflowError } from '@rstar-fleet/protocol';
import { LockstepBarrier } from './barrier';
import type { BatchPolicy } from './batched-policy';

/** What the lock-step loop calls: one batched generate, and the fleet's own other ports. */
export interface LockstepPorts {
  policy: BatchPolicy;
  /** Called once per depth level with every tree's programs (rStar's CPU pool phase). */
  executor: ExecutorPort;
  /** Called once per depth level with every tree's prefixes (rStar's batched PPM encode). */
  reward?: RewardPort;
  grader: GraderPort;
}

export interface LockstepOptions {
  /** Problems searched together (rStar's `batch_size`); batches run one after another. */
  batchSize: number;
  /** The search settings; `concurrency` is 1 (rStar runs one rollout per tree at a time). */
  mcts: Omit<MctsOptions, 'concurrency'>;
  /** Told when a tree has finished a rollout and waits for the next (tests, progress). */
  onRolloutEnd?: (problemId: string) => void;
}

/**
 * A BENCHMARK baseline, not a product mode: rStar-Math's released search loop on the fleet's
 * engine. B problems at a time; for each rollout, for each depth level, ONE policy request
 * carrying the prompt of every tree that needs an expansion there, then one code-execution call
 * and one PPM call over all of them, then selection; the next rollout starts when every tree
 * finished this one. The MCTS itself (selection, expansion, Q rules, backup) is packages/mcts,
 * unchanged: each tree is a `createMcts` search whose ports wait at a shared barrier.
 */
export async function runLockstep(
  problems: readonly SearchProblem[],
  ports: LockstepPorts,
  options: LockstepOptions,
): Promise<SearchResult[]> {
  const results: SearchResult[] = [];
  for (let start = 0; start < problems.length; start += options.batchSize) {
    const batch = problems.slice(start, start + options.batchSize);
    results.push(...(await runBatch(batch, ports, options)));
  }
  return results;
}

async function runBatch(
  batch: readonly SearchProblem[],
  ports: LockstepPorts,
  options: LockstepOptions,
): Promise<SearchResult[]> {
  const barrier = new LockstepBarrier({
    policy: async (payloads) => ports.policy(payloads as ExpandRequest[]),
    executor: async (payloads) => {
      const lists = payloads as string[][];
      const all = await ports.executor.execute(lists.flat());
      return splitBy(lists, all);
    },
    reward: async (payloads) => {
      const lists = payloads as string[][];
      if (ports.reward === undefined)
        throw new InvalidInputError('the ppm Q rule needs a reward port');
      return splitBy(lists, await ports.reward.score(lists.flat()));
    },
  });
  const treePorts = {
    policy: {
      expand: async (request: ExpandRequest) => {
        const answer = await barrier.arrive<StepCandidate[] | ContextOverflowError>(
          'policy',
          request.depth,
          request,
        );
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    executor: {
      execute: (programs: string[]) => barrier.arrive<ExecutionResult[]>('executor', 0, programs),
    },
    grader: ports.grader,
    ...(ports.reward === undefined
      ? {}
      : {
          reward: {
            score: (prefixes: string[]) => barrier.arrive<number[]>('reward', 0, prefixes),
          },
        }),
  };
  const mcts = createMcts(treePorts, { ...options.mcts, concurrency: 1 });
  for (let i = 0; i < batch.length; i++) barrier.join();
  return Promise.all(
    batch.map(async (problem) => {
      try {
        return await mcts.search(problem, {
          beforeRollout: () => {
            options.onRolloutEnd?.(problem.id);
            return barrier.arrive<void>('rollout', 0, null);
          },
        });
      } finally {
        barrier.leave();
      }
    }),
  );
}

function splitBy<T>(lists: readonly unknown[][], flat: readonly T[]): T[][] {
  let at = 0;
  return lists.map((l) => {
    const part = flat.slice(at, at + l.length);
    at += l.length;
    return part;
  });
}
