import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT } from './checkpoint';
import { createSimServer, type SimServer } from './server';
import { SimState } from './state';

const protocol = compileStepProtocol();
const prompt = renderPrompt(protocol, synthRecord(5, 1).problem);
let sim: SimServer;
let base: string;

beforeAll(async () => {
  sim = createSimServer(new SimState(DEFAULT_CHECKPOINT));
  base = `http://127.0.0.1:${await sim.listen(0)}`;
});
afterAll(() => sim.close(100));

interface Choice {
  index: number;
  text: string;
  finish_reason: string;
  stop_reason: string | null;
}
interface Completion {
  object: string;
  model: string;
  choices: Choice[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}
interface ErrorReply {
  error: { message: string; type: string; code: number; param: string | null };
}
interface ModelList {
  object: string;
  data: { id: string; object: string; max_model_len: number }[];
}
interface Classified {
  object: string;
  model: string;
  data: { index: number; label: string; probs: number[]; num_classes: number }[];
}
interface Pooled {
  data: { index: number; object: string; data: number[] }[];
}

/** A POST whose JSON reply is read as `T` (checked by the assertions that follow). */
async function post<T = ErrorReply>(
  path: string,
  body: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

async function models(): Promise<ModelList> {
  return (await (await fetch(`${base}/v1/models`)).json()) as ModelList;
}

describe('simulated vLLM server', () => {
  it('names itself a simulator in /v1/models and answers /health', async () => {
    const list = await models();
    expect(list.object).toBe('list');
    expect(list.data.map((m) => m.id)).toEqual(['sim-policy-r0', 'sim-ppm-r0']);
    expect(list.data[0]).toMatchObject({ object: 'model', max_model_len: 4096 });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('serves completions in the vLLM shape: n choices, stop_reason, usage', async () => {
    const body = {
      model: 'sim-policy-r0',
      prompt,
      n: 4,
      max_tokens: 512,
      temperature: 1,
      seed: 3,
      stop: protocol.stops,
    };
    const { status, json } = await post<Completion>('/v1/completions', body);
    expect(status).toBe(200);
    expect(json).toMatchObject({ object: 'text_completion', model: 'sim-policy-r0' });
    expect(json.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    for (const c of json.choices) {
      expect(['stop', 'length']).toContain(c.finish_reason);
      if (c.finish_reason === 'stop') {
        expect(protocol.stops).toContain(c.stop_reason);
        expect(c.text.endsWith(c.stop_reason ?? '')).toBe(false);
      }
    }
    expect(json.usage.prompt_tokens).toBe(Math.ceil(prompt.length / 4));
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens + json.usage.completion_tokens);
    expect((await post<Completion>('/v1/completions', body)).json.choices).toEqual(json.choices);
  });

  it("takes the vLLM dialect's special-token fields (typed as vLLM types them)", async () => {
    const body = { prompt, n: 2, max_tokens: 200, seed: 4, stop: protocol.stops };
    const plain = await post<Completion>('/v1/completions', body);
    const kept = await post<Completion>('/v1/completions', {
      ...body,
      skip_special_tokens: false,
      spaces_between_special_tokens: false,
    });
    expect(kept.status).toBe(200);
    expect(kept.json.choices).toEqual(plain.json.choices);
    for (const field of ['skip_special_tokens', 'spaces_between_special_tokens']) {
      const bad = await post('/v1/completions', { ...body, [field]: 'no' });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatchObject({ type: 'BadRequestError', param: field });
    }
  });

  it('cuts at max_tokens with finish_reason length and batches prompt lists prompt-major', async () => {
    const cut = await post<Completion>('/v1/completions', { prompt, n: 2, max_tokens: 3, seed: 1 });
    expect(cut.json.choices.map((c) => [c.finish_reason, c.stop_reason])).toEqual([
      ['length', null],
      ['length', null],
    ]);
    const batch = await post<Completion>('/v1/completions', {
      prompt: [prompt, prompt],
      n: 2,
      seed: 1,
      max_tokens: 200,
      stop: protocol.stops,
    });
    expect(batch.json.choices).toHaveLength(4);
    expect(batch.json.choices[2]?.text).toBe(batch.json.choices[0]?.text);
  });

  it('answers bad requests with vLLM error bodies and the right status', async () => {
    const bad = await post('/v1/completions', { prompt, n: 0 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ type: 'BadRequestError', code: 400, param: 'n' });
    expect(bad.json.error.message).toContain('field n');
    expect((await post('/v1/completions', '{not json')).status).toBe(400);
    const missing = await post('/v1/completions', { prompt, model: 'gpt-4' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe('The model `gpt-4` does not exist.');
    const long = await post('/v1/completions', { prompt, max_tokens: 5000 });
    expect(long.status).toBe(400);
    expect(long.json.error.message).toMatch(/maximum context length is 4096 tokens/);
    expect((await post('/v1/completions', { prompt, best_of: 4 })).status).toBe(400);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/v1/completions`)).status).toBe(405);
  });

  it('scores prefixes on /classify and /pooling with raw values (client applies tanh(x/5))', async () => {
    const inputs = [prompt, `${prompt}\n<code>\nv1 = 1\n<end_of_step>`];
    const classify = await post<Classified>('/classify', { model: 'sim-ppm-r0', input: inputs });
    expect(classify.status).toBe(200);
    expect(classify.json).toMatchObject({ object: 'list', model: 'sim-ppm-r0' });
    expect(classify.json.data).toHaveLength(2);
    expect(classify.json.data[0]).toMatchObject({ index: 0, label: 'LABEL_0', num_classes: 1 });
    const pooling = await post<Pooled>('/pooling', { input: inputs, task: 'classify' });
    expect(pooling.json.data.map((d) => d.data[0])).toEqual(
      classify.json.data.map((d) => d.probs[0]),
    );
    expect(pooling.json.data[1]).toMatchObject({ index: 1, object: 'pooling' });
    const sigmoid = await post<Classified>('/classify', { input: inputs, use_activation: true });
    for (const d of sigmoid.json.data) expect(d.probs[0]).toBeGreaterThan(0);
    expect((await post('/pooling', { input: inputs, task: 'token_classify' })).status).toBe(400);
  });

  it('exports vLLM metric names', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
      'vllm:gpu_cache_usage_perc',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:request_success_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(
      /vllm:request_success_total\{model_name="sim-policy-r0",finished_reason="length"\} \d+/,
    );
  });

  it('exports the scheduler utilisation integrals (busy never above capacity)', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const value = (name: string): number => {
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      if (m === null) throw new Error(`${name} missing from /metrics`);
      return Number(m[1]);
    };
    const busy = value('rstar_sim_busy_sequence_seconds_total');
    const capacity = value('rstar_sim_capacity_sequence_seconds_total');
    expect(capacity).toBeGreaterThan(0);
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(capacity);
    expect(value('rstar_sim_waiting_sequence_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  it('switches checkpoints at run time with POST /admin/load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const file = join(dir, 'r1.json');
    writeFileSync(file, JSON.stringify({ ...DEFAULT_CHECKPOINT, name: 'r1' }));
    const loaded = await post<unknown>('/admin/load', { checkpoint: file });
    expect(loaded.json).toEqual({ status: 'loaded', models: ['sim-policy-r1', 'sim-ppm-r1'] });
    expect((await models()).data[0]?.id).toBe('sim-policy-r1');
    const bad = await post('/admin/load', { checkpoint: { ...DEFAULT_CHECKPOINT, seed: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('field seed');
    expect((await post('/admin/load', { checkpoint: join(dir, 'missing.json') })).status).toBe(404);
    await post('/admin/load', { checkpoint: DEFAULT_CHECKPOINT });
  });
});
