import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT } from '../checkpoint';
import { createSimServer, type SimServer } from '../server';
import { SimState } from '../state';
import { GPU_PRESETS } from './presets';

const protocol = compileStepProtocol();
const prompt = renderPrompt(protocol, synthRecord(5, 1).problem);
const preset = GPU_PRESETS['h100-7b']!;
let sim: SimServer;
let base: string;

beforeAll(async () => {
  // The simulated GPU at 1/100 of its time, so the test waits milliseconds.
  const latency = { ...preset, gpu: { ...preset.gpu, timeScale: 0.01 } };
  sim = createSimServer(new SimState(DEFAULT_CHECKPOINT, protocol, undefined, latency));
  base = `http://127.0.0.1:${await sim.listen(0)}`;
});
afterAll(() => sim.close(100));

const post = async (path: string, body: unknown): Promise<{ choices?: { text: string }[] }> => {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { choices?: { text: string }[] };
};

/** The value of an unlabelled or `model_name`-labelled series. */
function value(text: string, name: string): number {
  const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  if (m === null) throw new Error(`${name} missing from /metrics`);
  return Number(m[2]);
}

describe('model-sim on the GPU cost model, over HTTP', () => {
  it('exports vLLM’s names for what the GPU model tracks, and the busy-time integrals', async () => {
    const stop = ['<end_of_step>', '<end_of_code>', '<end_of_answer>'];
    const first = await post('/v1/completions', { prompt, n: 4, max_tokens: 256, stop, seed: 1 });
    // The child's prompt extends the parent's: the PPM scores it, then the policy expands it.
    const child = prompt + (first.choices?.[0]?.text ?? '') + '<end_of_step>';
    await post('/classify', { input: [child] });
    await post('/v1/completions', { prompt: child, n: 4, max_tokens: 256, stop, seed: 2 });
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
      'vllm:gpu_cache_usage_perc',
      'vllm:num_preemptions_total',
    ]) {
      expect(value(text, name)).toBeGreaterThanOrEqual(0);
    }
    const queries = value(text, 'vllm:prefix_cache_queries_total');
    const hits = value(text, 'vllm:prefix_cache_hits_total');
    expect(hits).toBeGreaterThan(0); // siblings, then the child, reuse the prompt's blocks
    expect(hits).toBeLessThan(queries);
    expect(value(text, 'rstar_sim_prefill_tokens_total')).toBe(queries - hits);
    expect(value(text, 'vllm:prompt_tokens_total')).toBeGreaterThan(0);
    const busy = value(text, 'rstar_sim_gpu_busy_seconds_total');
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThanOrEqual(value(text, 'rstar_sim_gpu_elapsed_seconds_total'));
    expect(value(text, 'rstar_sim_busy_sequence_seconds_total')).toBeLessThanOrEqual(
      value(text, 'rstar_sim_capacity_sequence_seconds_total'),
    );
  });
});
