import { ContextOverflowError, NotFoundError } from '@rstar-fleet/protocol';
import { generate, type GeneratedChoice } from './generate';
import { completionRequestSchema, parseBody } from './requests';
import type { SimState } from './state';
import { countTokens } from './tokens';

let nextId = 0;

/** `POST /v1/completions`: vLLM's response shape, choices prompt-major then by sample. */
export async function handleCompletions(
  state: SimState,
  body: unknown,
  signal: AbortSignal,
): Promise<unknown> {
  const req = parseBody(completionRequestSchema, body, '/v1/completions');
  const checkpoint = state.checkpoint;
  const model = state.policyId;
  if (req.model !== null && req.model !== undefined && req.model !== model) {
    throw new NotFoundError(`The model \`${req.model}\` does not exist.`);
  }
  const prompts = typeof req.prompt === 'string' ? [req.prompt] : req.prompt;
  const stop = req.stop === null || req.stop === undefined ? [] : [req.stop].flat();
  const results: { prompt: string; promptTokens: number; choices: GeneratedChoice[] }[] = [];
  for (const prompt of prompts) {
    const promptTokens = countTokens(prompt);
    const maxTokens =
      req.max_tokens ?? (req.max_tokens === null ? checkpoint.maxModelLen - promptTokens : 16);
    if (maxTokens < 1 || promptTokens + maxTokens > checkpoint.maxModelLen) {
      throw new ContextOverflowError(
        `This model's maximum context length is ${checkpoint.maxModelLen} tokens. However, you requested ${
          promptTokens + Math.max(maxTokens, 0)
        } tokens (${promptTokens} in the messages, ${Math.max(maxTokens, 0)} in the completion). Please reduce the length of the messages or completion.`,
        { requested: promptTokens + maxTokens, limit: checkpoint.maxModelLen },
      );
    }
    const choices = generate(
      {
        prompt,
        n: req.n,
        maxTokens,
        temperature: req.temperature ?? 1,
        seed: req.seed ?? null,
        stop,
        includeStopInOutput: req.include_stop_str_in_output ?? false,
      },
      checkpoint,
      state.protocol,
    );
    results.push({ prompt, promptTokens, choices });
  }
  const all = results.flatMap((r) => r.choices);
  const promptTokens = results.reduce((s, r) => s + r.promptTokens, 0);
  const completionTokens = all.reduce((s, c) => s + c.completionTokens, 0);
  // Each sequence frees its slot when it ends (continuous batching); the response waits for all.
  // The model computed the stop string's tokens even when the response leaves it out.
  await state.scheduler.run(
    results.flatMap((r, group) =>
      r.choices.map((c) => ({
        prompt: r.prompt,
        output:
          c.stopReason === null || req.include_stop_str_in_output === true
            ? c.text
            : c.text + c.stopReason,
        outputTokens: c.completionTokens,
        group,
      })),
    ),
    signal,
  );
  state.metrics.recordCompletion(
    promptTokens,
    completionTokens,
    all.map((c) => c.finishReason),
  );
  return {
    id: `cmpl-sim-${nextId++}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: all.map((c, index) => ({
      index,
      text: c.text,
      logprobs: null,
      finish_reason: c.finishReason,
      stop_reason: c.stopReason,
      prompt_logprobs: null,
    })),
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}
