import { performance } from 'node:perf_hooks';
import type { ProblemRecord } from '@rstar-fleet/corpus';
import { isEquivalent } from '@rstar-fleet/grader';
import { compileStepProtocol, createMcts, type SearchPorts } from '@rstar-fleet/mcts';
import { createSimPorts, DEFAULT_CHECKPOINT } from '@rstar-fleet/model-sim';
import type { SearchSettings } from './fleet-cluster';

/**
 * The fleet-overhead baseline: the same engine on the same problems and budgets, with the
 * simulator as in-process ports (no HTTP, no Redis, no gRPC) and the same concurrency shape as
 * a worker (units in flight × rollouts in flight per tree). The executor here is the simulator's
 * mini-python interpreter (TypeScript), where the fleet runs CPython in the sandbox.
 */
export interface InProcessRun {
  wallSeconds: number;
  cpuSeconds: number;
  problems: number;
  rollouts: number;
  expansions: number;
  executions: number;
  solved: number;
}

export async function searchInProcess(
  problems: readonly ProblemRecord[],
  search: SearchSettings,
  unitsInFlight: number,
  treeConcurrency: number,
  yieldEvery = 4,
): Promise<InProcessRun> {
  const sim = createSimPorts(() => DEFAULT_CHECKPOINT, compileStepProtocol(), search.maxTokens);
  const ports: SearchPorts = {
    policy: sim.policy,
    executor: sim.executor,
    reward: sim.reward,
    grader: { equal: (pred, ref) => isEquivalent(pred, ref) },
  };
  const mcts = createMcts(ports, {
    qRule: search.qRule,
    rollouts: search.rollouts,
    candidates: search.candidates,
    maxDepth: search.maxDepth,
    c: search.c,
    seed: search.seed,
    concurrency: treeConcurrency,
    yieldEvery,
  });
  const totals = { rollouts: 0, expansions: 0, executions: 0, solved: 0 };
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const unit = async (): Promise<void> => {
    for (let i = next++; i < problems.length; i = next++) {
      const p = problems[i]!;
      const result = await mcts.search({ id: p.id, question: p.problem, reference: p.answer });
      totals.rollouts += result.stats.rollouts;
      totals.expansions += result.stats.expansions;
      totals.executions += result.stats.executions;
      if (result.stats.solved) totals.solved++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(unitsInFlight, problems.length) }, unit));
  const wallSeconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    wallSeconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    problems: problems.length,
    ...totals,
  };
}
