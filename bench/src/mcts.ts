import { performance } from 'node:perf_hooks';
import { createExtractor, createMcts, toRecord } from '@rstar-fleet/mcts';
import type { QRule, SearchPorts, SearchResult } from '@rstar-fleet/mcts';
import { createToyWorld, type ToyProblem } from '@rstar-fleet/mcts/testing';
import type { BenchResult } from './bench-result';

/**
 * Search-engine overhead per rollout with zero-latency toy ports (test doubles, not models).
 *
 * The engine's own cost is what is left of a search's wall time once the ports' work is taken
 * out. The baseline is measured in the same run: every port call a search made is recorded, then
 * replayed straight against the same ports with no engine around it. At concurrency 1 the toy
 * world is deterministic, so the replay is exactly the search's port work.
 */
export interface MctsBenchOptions {
  problems?: number;
  rollouts?: number;
  candidates?: number;
  /** Timed repetitions over the problem set (the best one is reported). */
  repeats?: number;
}

type Call = (ports: SearchPorts) => Promise<unknown>;

function recording(ports: SearchPorts, calls: Call[]): SearchPorts {
  const reward = ports.reward;
  return {
    policy: {
      expand: (r) => (
        calls.push((p) => p.policy.expand({ ...r, signal: undefined })),
        ports.policy.expand(r)
      ),
    },
    executor: {
      execute: (programs) => (
        calls.push((p) => p.executor.execute(programs)),
        ports.executor.execute(programs)
      ),
    },
    grader: {
      equal: (a, b) => (calls.push(async (p) => p.grader.equal(a, b)), ports.grader.equal(a, b)),
    },
    ...(reward === undefined
      ? {}
      : {
          reward: {
            score: (prefixes: string[]) => (
              calls.push((p) => p.reward!.score(prefixes)),
              reward.score(prefixes)
            ),
          },
        }),
  };
}

async function timeSearches(
  ports: SearchPorts,
  problems: readonly ToyProblem[],
  qRule: QRule,
  rollouts: number,
  candidates: number,
): Promise<{ ms: number; results: SearchResult[] }> {
  const mcts = createMcts(ports, { qRule, rollouts, candidates });
  const results: SearchResult[] = [];
  const start = performance.now();
  for (const problem of problems) results.push(await mcts.search(problem));
  return { ms: performance.now() - start, results };
}

async function timeReplay(ports: SearchPorts, calls: readonly Call[]): Promise<number> {
  const start = performance.now();
  for (const call of calls) await call(ports);
  return performance.now() - start;
}

export async function benchMctsOverhead(options: MctsBenchOptions = {}): Promise<BenchResult> {
  const problems = options.problems ?? 64;
  const rollouts = options.rollouts ?? 16;
  const candidates = options.candidates ?? 8;
  const repeats = options.repeats ?? 5;
  const world = createToyWorld({ seed: 1, problems, minSteps: 3, maxSteps: 8, stepSkill: 0.7 });
  const metrics: Record<string, number> = {};

  for (const qRule of ['terminal', 'ppm'] as const) {
    const calls: Call[] = [];
    const recorded = await timeSearches(
      recording(world.ports, calls),
      world.problems,
      qRule,
      rollouts,
      candidates,
    );
    let best: { search: number; ports: number } | undefined;
    for (let i = 0; i < repeats; i++) {
      const search = (await timeSearches(world.ports, world.problems, qRule, rollouts, candidates))
        .ms;
      const portsOnly = await timeReplay(world.ports, calls);
      if (best === undefined || search - portsOnly < best.search - best.ports) {
        best = { search, ports: portsOnly };
      }
    }
    if (best === undefined) throw new RangeError('repeats must be at least 1');
    const totals = recorded.results.reduce(
      (acc, r) => ({
        rollouts: acc.rollouts + r.stats.rollouts,
        expansions: acc.expansions + r.stats.expansions,
        nodes: acc.nodes + r.tree.size,
        solved: acc.solved + (r.stats.solved ? 1 : 0),
      }),
      { rollouts: 0, expansions: 0, nodes: 0, solved: 0 },
    );
    const engineMs = Math.max(0, best.search - best.ports);
    metrics[`${qRule}: rollouts`] = totals.rollouts;
    metrics[`${qRule}: expansions`] = totals.expansions;
    metrics[`${qRule}: nodes per tree`] = totals.nodes / problems;
    metrics[`${qRule}: solved share`] = totals.solved / problems;
    metrics[`${qRule}: engine us per rollout`] = (engineMs * 1000) / totals.rollouts;
    metrics[`${qRule}: engine us per expansion`] = (engineMs * 1000) / totals.expansions;
    metrics[`${qRule}: rollouts per s (engine + toy ports)`] =
      totals.rollouts / (best.search / 1000);
    metrics[`${qRule}: engine share of search time`] = engineMs / best.search;

    const records = recorded.results.map(toRecord);
    const extractor = createExtractor();
    const start = performance.now();
    for (const record of records) extractor.extract(record);
    metrics[`${qRule}: extraction us per problem`] =
      ((performance.now() - start) * 1000) / problems;
  }

  return {
    name: 'mcts-engine-overhead',
    description:
      'Search-engine time per rollout with zero-latency toy ports: search wall time minus a same-run replay of the identical port calls.',
    metrics,
    notes: [
      `${problems} toy problems (3–8 steps), ${rollouts} rollouts, ${candidates} candidates, concurrency 1, best of ${repeats}`,
      'toy ports are test doubles (policy/executor/PPM/grader), not models; real ports dominate by orders of magnitude',
      'includes the default event-loop yield every 8 rollouts',
    ],
  };
}
