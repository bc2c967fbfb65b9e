import { ContextOverflowError } from '@rstar-fleet/protocol';
import {
  DialectError,
  obj,
  optNum,
  type ParsedCompletion,
  type PolicyCall,
  type PolicyDialect,
  type Sampling,
} from './dialect';
import { normalizeStop } from './stop-tag';

/**
 * llama.cpp `llama-server` native `POST /completion`: the only llama.cpp route that reports the
 * matched stop (`stopping_word`, `stop_type` word/eos/limit). It takes one sample per request
 * (`n_cmpl` exists only in recent builds), so the client fans out n requests with distinct seeds.
 * `top_k`, `min_p` and `repeat_penalty` are sent because llama.cpp's own defaults (40, 0.05, …)
 * are not neutral; `cache_prompt: true` keeps the slot's prefix.
 */
export const llamacppDialect: PolicyDialect = {
  path: '/completion',
  supportsN: false,
  body(call: PolicyCall, s: Sampling) {
    return {
      prompt: call.prompt,
      n_predict: s.maxTokens,
      temperature: s.temperature,
      top_p: s.topP,
      top_k: s.topK <= 0 ? 0 : s.topK,
      min_p: s.minP,
      repeat_penalty: s.repetitionPenalty,
      stop: [...call.stop],
      seed: call.seed,
      cache_prompt: true,
      stream: false,
    };
  },
  parse(json: unknown, call: PolicyCall): ParsedCompletion {
    const root = obj(json, 'answer');
    if (typeof root.content !== 'string') throw new DialectError('answer has no content string');
    if (root.truncated === true) {
      // The server cut the prompt to fit its context: the step was generated from a different
      // prefix than the node's, so it is treated like the overflow it is.
      throw new ContextOverflowError('llama.cpp truncated the prompt to fit its context', {
        requested: optNum(root.tokens_evaluated),
      });
    }
    // Older builds report booleans instead of `stop_type`.
    const stopType =
      typeof root.stop_type === 'string'
        ? root.stop_type
        : root.stopped_limit === true
          ? 'limit'
          : root.stopped_word === true
            ? 'word'
            : 'eos';
    const reported = stopType === 'word' ? root.stopping_word : null;
    const { text, stop } = normalizeStop(root.content, reported, call.stop);
    const promptTokens = optNum(root.tokens_evaluated) ?? 0;
    const completionTokens = optNum(root.tokens_predicted) ?? 0;
    return {
      candidates: [
        {
          text,
          stop,
          finishReason: stopType === 'limit' ? 'length' : 'stop',
          tokens: { prompt: promptTokens, completion: completionTokens },
        },
      ],
      promptTokens,
      completionTokens,
    };
  },
};
