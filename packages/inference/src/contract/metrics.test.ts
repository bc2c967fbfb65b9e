import { Registry } from 'prom-client';
import { PolicyClient } from '../policy/policy-client';
import { RewardClient } from '../reward/reward-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor } from './setup';

describe('inference metrics', () => {
  it('share one registry across clients, with base units and only endpoint/role(/kind) labels', async () => {
    const server = await FakeInferenceServer.start({ dialect: 'vllm' });
    const registry = new Registry();
    const policy = new PolicyClient({
      model: 'm',
      endpoints: [{ url: server.url, name: 'gpu-0' }],
      sampling: { maxTokens: 8 },
      governor: fastGovernor(),
      registry,
    });
    const reward = new RewardClient({
      model: 'ppm',
      endpoints: [{ url: server.url, name: 'gpu-0' }],
      governor: fastGovernor(),
      registry,
    });
    try {
      await policy.expand(expandRequest('Q\n', 2, { problemId: 'problem-42' }));
      await reward.score(['a', 'b']);
      const text = await registry.metrics();
      for (const name of [
        'rstar_inference_request_duration_seconds',
        'rstar_inference_requests_total',
        'rstar_inference_prompt_tokens_total',
        'rstar_inference_completion_tokens_total',
        'rstar_inference_errors_total',
        'rstar_inference_retries_total',
        'rstar_inference_in_flight_requests',
        'rstar_inference_in_flight_limit',
        'rstar_inference_queued_requests',
        'rstar_inference_endpoint_healthy',
      ]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
      expect(text).not.toContain('problem-42');
      const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]));
      labelNames.delete('le');
      expect([...labelNames].sort()).toEqual(['endpoint', 'kind', 'role']);
      expect(text).toContain('rstar_inference_requests_total{endpoint="gpu-0",role="policy"} 1');
      expect(text).toContain('rstar_inference_requests_total{endpoint="gpu-0",role="reward"} 1');
      expect(text).toContain(
        'rstar_inference_in_flight_requests{endpoint="gpu-0",role="policy"} 0',
      );
    } finally {
      await policy.close();
      await reward.close();
      await server.close();
    }
  });
});
