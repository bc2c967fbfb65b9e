import { createMcts, type ExecutorPort } from '@rstar-fleet/mcts';
import { exactGrader } from '@rstar-fleet/mcts/testing';
import { PolicyClient } from '../policy/policy-client';
import { FakeInferenceServer } from '../testing';
import { fastGovernor } from './setup';

const executor: ExecutorPort = {
  execute: (programs) =>
    Promise.resolve(programs.map(() => ({ status: 'ok' as const, stdout: '', stderr: '' }))),
};

const answer = () => ({
  text: '<answer>\\boxed{4}\n',
  stop: '<end_of_answer>',
  finish: 'stop' as const,
  completionTokens: 9,
});

describe('the policy client plugged into the search engine', () => {
  it('drives an MCTS search over real HTTP', async () => {
    const server = await FakeInferenceServer.start({ dialect: 'vllm', sample: answer });
    const policy = new PolicyClient({
      model: 'm',
      endpoints: [{ url: server.url }],
      sampling: { maxTokens: 64 },
      governor: fastGovernor(),
    });
    try {
      const engine = createMcts({ policy, executor, grader: exactGrader }, { rollouts: 2 });
      const result = await engine.search({ id: 'p-1', question: 'What is 2+2?', reference: '4' });
      expect(result.stats.solved).toBe(true);
      expect(result.stats.completionTokens).toBeGreaterThan(0);
      expect(server.posts('/v1/completions').length).toBeGreaterThan(0);
    } finally {
      await policy.close();
      await server.close();
    }
  });

  it('turns a context overflow into a terminal node, not a failed search', async () => {
    const server = await FakeInferenceServer.start({
      dialect: 'sglang',
      sample: answer,
      contextLimit: 70,
    });
    const policy = new PolicyClient({
      dialect: 'sglang',
      model: 'm',
      endpoints: [{ url: server.url }],
      sampling: { maxTokens: 64 },
      governor: fastGovernor(),
    });
    try {
      const engine = createMcts({ policy, executor, grader: exactGrader }, { rollouts: 2 });
      const result = await engine.search({ id: 'p-2', question: 'What is 2+2?', reference: '4' });
      expect(result.stats.contextOverflows).toBeGreaterThan(0);
      expect(result.stats.solved).toBe(false);
    } finally {
      await policy.close();
      await server.close();
    }
  });
});
