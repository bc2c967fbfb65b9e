import { ContextOverflowError } from '@rstar-fleet/protocol';
import type { StepCandidate } from '@rstar-fleet/mcts';
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

/** One answer of `/completion` read into a candidate. */
interface Answer {
  index: number;
  candidate: StepCandidate;
  promptTokens: number;
  completionTokens: number;
}

function stopTypeOf(root: Record<string, unknown>): string {
  if (typeof root.stop_type === 'string') return root.stop_type;
  // Older builds report booleans instead of `stop_type`.
  if (root.stopped_limit === true) return 'limit';
  return root.stopped_word === true ? 'word' : 'eos';
}

function readAnswer(json: unknown, call: PolicyCall): Answer {
  const root = obj(json, 'answer');
  if (typeof root.content !== 'string') throw new DialectError('answer has no content string');
  const stopType = stopTypeOf(root);
  if (root.truncated === true && stopType !== 'limit') {
    // With --context-shift the server dropped tokens from the middle of the context and went on:
    // the step that ended on a tag or EOS was generated from a different prefix than the node's.
    // (`truncated` with a `limit` stop is the context end without a shift: a usable cut step.)
    throw new ContextOverflowError('llama.cpp shifted the context to go on generating', {
      requested: optNum(root.tokens_evaluated),
    });
  }
  const reported = stopType === 'word' ? root.stopping_word : null;
  const { text, stop } = normalizeStop(root.content, reported, call.stop);
  const promptTokens = optNum(root.tokens_evaluated) ?? 0;
  const completionTokens = optNum(root.tokens_predicted) ?? 0;
  return {
    index: optNum(root.index) ?? 0,
    candidate: {
      text,
      stop,
      finishReason: stopType === 'limit' ? 'length' : 'stop',
      tokens: { prompt: promptTokens, completion: completionTokens },
    },
    promptTokens,
    completionTokens,
  };
}

/**
 * llama.cpp `llama-server` native `POST /completion`: the only llama.cpp route that reports the
 * matched stop (`stopping_word`, `stop_type` word/eos/limit). `n_cmpl` (alias `n`, at most the
 * server's `--parallel` slots, which `GET /props` reports as `total_slots`) asks for n samples
 * of one prefill, seeds seed, seed+1, … as the client's fan-out would use; the answer is then an
 * array. Verified against the llama.cpp that node-llama-cpp 3.21.1 bundles (0.4.0-dev).
 * `top_k`, `min_p` and `repeat_penalty` are sent because llama.cpp's own defaults (40, 0.05, …)
 * are not neutral; `cache_prompt: true` keeps the slot's prefix.
 */
export const llamacppDialect: PolicyDialect = {
  path: '/completion',
  slots: {
    path: '/props',
    read: (json) => {
      const slots = optNum((json as { total_slots?: unknown } | null)?.total_slots);
      return slots !== undefined && slots >= 1 ? slots : undefined;
    },
  },
  body(call: PolicyCall, s: Sampling) {
    return {
      prompt: call.prompt,
      ...(call.n > 1 ? { n_cmpl: call.n } : {}),
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
    // One answer is an object; `n_cmpl` > 1 gives an array of them, each with its `index`.
    const raw = Array.isArray(json) ? json : [json];
    if (raw.length !== call.n) {
      throw new DialectError(`expected ${call.n} answer(s), got ${raw.length}`);
    }
    const answers = raw.map((a) => readAnswer(a, call)).sort((a, b) => a.index - b.index);
    return {
      candidates: answers.map((a) => a.candidate),
      // The prompt is evaluated once for all n (the other slots copy its state).
      promptTokens: Math.max(0, ...answers.map((a) => a.promptTokens)),
      completionTokens: answers.reduce((sum, a) => sum + a.completionTokens, 0),
    };
  },
};
