import { synthRecord } from '@rstar-fleet/corpus';
import { isEquivalent } from '@rstar-fleet/grader';
import { compileStepProtocol, type ExpandRequest, type SearchProblem } from '@rstar-fleet/mcts';
import {
  createSimPorts,
  createSimServer,
  DEFAULT_CHECKPOINT,
  SimState,
  type SimServer,
} from '@rstar-fleet/model-sim';
import { vllmBatchPolicy, type BatchPolicy } from './batched-policy';
import { runLockstep } from './driver';

const protocol = compileStepProtocol();
let sim: SimServer;
let url: string;

beforeAll(async () => {
  sim = createSimServer(new SimState(DEFAULT_CHECKPOINT, protocol));
  url = `http://127.0.0.1:${await sim.listen(0)}`;
});
afterAll(() => sim.close(100));

const problems: SearchProblem[] = Array.from({ length: 6 }, (_, i) => {
  const r = synthRecord(7, i);
  return { id: r.id, question: r.problem, reference: r.answer };
});

/** Sequences the real server finished (vLLM counts each choice). */
async function sequencesServed(): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^vllm:request_success_total\{[^}]*\} (\S+)$/gm)].reduce(
    (s, m) => s + Number(m[1]),
    0,
  );
}

describe('the lock-step driver (rStar’s released batching, bench only)', () => {
  it('sends exactly one policy request per depth level per batch, carrying every tree expanding there', async () => {
    const candidates = 3;
    const http = vllmBatchPolicy({
      url,
      model: 'sim-policy-r0',
      maxTokens: 512,
      temperature: 0.7,
      topP: 1,
      maxModelLen: 4096,
    });
    // The test's own account of rollouts: a tree's requests belong to the rollout it is in.
    const rolloutOf = new Map<string, number>();
    const batchOf = new Map(problems.map((p, i) => [p.id, Math.floor(i / 3)]));
    const calls: { level: string; problem: string }[][] = [];
    const policy: BatchPolicy = (requests: readonly ExpandRequest[]) => {
      calls.push(
        requests.map((r) => ({
          level: `${batchOf.get(r.problemId)}/${rolloutOf.get(r.problemId)}/${r.depth}`,
          problem: r.problemId,
        })),
      );
      return http(requests);
    };
    const before = await sequencesServed();
    const inProcess = createSimPorts(() => DEFAULT_CHECKPOINT, protocol);
    const results = await runLockstep(
      problems,
      {
        policy,
        executor: inProcess.executor,
        reward: inProcess.reward,
        grader: { equal: (pred, ref) => isEquivalent(pred, ref) },
      },
      {
        batchSize: 3,
        mcts: { rollouts: 4, candidates, qRule: 'ppm', collapseAnswers: false },
        onRolloutEnd: (id) => rolloutOf.set(id, (rolloutOf.get(id) ?? -1) + 1),
      },
    );

    expect(results.map((r) => r.problem.id)).toEqual(problems.map((p) => p.id));
    for (const r of results) {
      expect(r.stats.rollouts === 4 || r.tree.root.exhausted).toBe(true);
    }
    // Each request is one level: one batch, one rollout, one depth, each tree at most once.
    for (const call of calls) {
      expect(new Set(call.map((c) => c.level)).size).toBe(1);
      expect(new Set(call.map((c) => c.problem)).size).toBe(call.length);
    }
    // And each level has exactly one request (no tree expanding there was left to another).
    const levels = calls.map((c) => c[0]!.level);
    expect(new Set(levels).size).toBe(calls.length);
    // Several trees shared requests, over both batches, and more than one depth per rollout.
    expect(Math.max(...calls.map((c) => c.length))).toBe(3);
    expect(new Set(levels.map((l) => l.split('/')[0]))).toEqual(new Set(['0', '1']));
    expect(calls.length).toBeGreaterThan(2 * 4);
    // The server saw those requests: n sequences per prompt.
    const prompts = calls.reduce((s, c) => s + c.length, 0);
    expect((await sequencesServed()) - before).toBe(prompts * candidates);
    expect(results.reduce((s, r) => s + r.stats.expansions, 0)).toBe(prompts);
  });
});
