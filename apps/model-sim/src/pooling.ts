import { NotFoundError } from '@rstar-fleet/protocol';
import { ppmRawScore } from './ppm';
import { parseBody, poolingRequestSchema } from './requests';
import type { SimState } from './state';
import { countTokens } from './tokens';

let nextId = 0;

/**
 * `POST /classify` and `POST /pooling` for the simulated PPM: one score per input, the raw head
 * output by default (the server is deployed as the reference recommends for rStar's v_head PPM,
 * activation off, the client applying tanh(x/5)); `use_activation: true` returns the sigmoid.
 */
export async function handlePooling(
  state: SimState,
  body: unknown,
  route: '/classify' | '/pooling',
  signal: AbortSignal,
): Promise<unknown> {
  const req = parseBody(poolingRequestSchema, body, route);
  const checkpoint = state.checkpoint;
  const model = state.ppmId;
  if (req.model !== null && req.model !== undefined && req.model !== model) {
    throw new NotFoundError(`The model \`${req.model}\` does not exist.`);
  }
  const inputs = typeof req.input === 'string' ? [req.input] : req.input;
  const scores = inputs.map((text) => {
    const raw = ppmRawScore(text, checkpoint, state.protocol);
    return req.use_activation === true ? 1 / (1 + Math.exp(-raw)) : raw;
  });
  const promptTokens = inputs.reduce((s, t) => s + countTokens(t), 0);
  // Scoring is prefill only, through the same prefix cache as the policy's requests.
  await state.scheduler.run(
    inputs.map((prompt, group) => ({ prompt, output: '', outputTokens: 0, group })),
    signal,
  );
  state.metrics.recordPooling(promptTokens);
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens, completion_tokens: 0 };
  const id = nextId++;
  if (route === '/classify') {
    return {
      id: `classify-sim-${id}`,
      object: 'list',
      created,
      model,
      data: scores.map((score, index) => ({
        index,
        label: 'LABEL_0',
        probs: [score],
        num_classes: 1,
      })),
      usage,
    };
  }
  return {
    id: `pool-sim-${id}`,
    object: 'list',
    created,
    model,
    data: scores.map((score, index) => ({ index, object: 'pooling', data: [score] })),
    usage,
  };
}
