/**
 * Bodies exactly as each real server writes them (field names, nesting, error envelopes), for
 * the fake servers. Sources: vLLM `entrypoints/openai` protocol and serving code, SGLang
 * `srt/entrypoints/openai/protocol.py` and its native /classify, llama.cpp `tools/server`.
 */
export type FakeDialect = 'vllm' | 'sglang' | 'llamacpp' | 'openai';

export interface FakeSample {
  /** Generated text, WITHOUT the stop string (what the real servers return by default). */
  text: string;
  /** The stop string that ended it; null = EOS. */
  stop: string | null;
  finish: 'stop' | 'length';
  completionTokens: number;
}

/** SGLang reports EOS as the EOS token id in `matched_stop` (Qwen2.5: <|endoftext|>). */
export const SGLANG_EOS_TOKEN_ID = 151643;

export function errorEnvelope(
  dialect: FakeDialect,
  status: number,
  message: string,
  type: string,
): Record<string, unknown> {
  switch (dialect) {
    case 'sglang':
      return { object: 'error', message, type, param: null, code: status };
    case 'llamacpp':
      return { error: { code: status, message, type } };
    default:
      return { error: { message, type, param: null, code: status } };
  }
}

export function contextOverflowBody(
  dialect: FakeDialect,
  route: 'completions' | 'classify',
  limit: number,
  promptTokens: number,
  maxTokens: number,
): Record<string, unknown> {
  const total = promptTokens + maxTokens;
  switch (dialect) {
    case 'sglang':
      return errorEnvelope(
        dialect,
        400,
        route === 'classify'
          ? `Input length (${promptTokens} tokens) exceeds the maximum allowed length (${limit} tokens). Use a shorter input or enable --allow-auto-truncate.`
          : `Requested token count exceeds the model's maximum context length of ${limit} tokens. You requested a total of ${total} tokens: ${promptTokens} tokens from the input messages and ${maxTokens} tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.`,
        'BadRequestError',
      );
    case 'llamacpp':
      return {
        error: {
          code: 400,
          message: `request (${promptTokens} tokens) exceeds the available context size (${limit} tokens), try increasing it`,
          type: 'exceed_context_size_error',
          n_prompt_tokens: promptTokens,
          n_ctx: limit,
        },
      };
    default:
      return errorEnvelope(
        dialect,
        400,
        `This model's maximum context length is ${limit} tokens. However, you requested ${total} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        'BadRequestError',
      );
  }
}

export function completionBody(
  dialect: FakeDialect,
  model: string,
  promptTokens: number,
  samples: readonly FakeSample[],
): Record<string, unknown> {
  const completionTokens = samples.reduce((a, s) => a + s.completionTokens, 0);
  const usage = {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
    prompt_tokens_details: null,
  };
  const created = 1_763_700_000;
  if (dialect === 'vllm') {
    return {
      id: 'cmpl-5b1f0c2a9d3e4f6a8b7c',
      object: 'text_completion',
      created,
      model,
      choices: samples.map((s, index) => ({
        index,
        text: s.text,
        logprobs: null,
        finish_reason: s.finish,
        stop_reason: s.finish === 'stop' ? s.stop : null,
        prompt_logprobs: null,
      })),
      service_tier: null,
      system_fingerprint: null,
      usage,
      kv_transfer_params: null,
    };
  }
  if (dialect === 'sglang') {
    return {
      id: '6f2d8c1e0b9a4f7e8d5c3b2a1f0e9d8c',
      object: 'text_completion',
      created,
      model,
      choices: samples.map((s, index) => ({
        index,
        text: s.text,
        logprobs: null,
        finish_reason: s.finish,
        matched_stop: s.finish === 'length' ? null : (s.stop ?? SGLANG_EOS_TOKEN_ID),
      })),
      usage,
    };
  }
  // A generic OpenAI-compatible server (Ollama-like): no stop report; leaves the tag in the text.
  return {
    id: 'cmpl-42',
    object: 'text_completion',
    created,
    model,
    system_fingerprint: 'fp_ollama',
    choices: samples.map((s, index) => ({
      index,
      text: s.text + (s.finish === 'stop' && s.stop !== null ? s.stop : ''),
      finish_reason: s.finish,
    })),
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** What the fake llama-server knows about the request and the sample it drew. */
export interface LlamacppAnswer {
  /** The prompt as sent (the real server echoes it detokenized, BOS first). */
  prompt: string;
  /** Prompt tokens with the BOS the server adds. */
  promptTokens: number;
  sample: FakeSample;
  seed: number;
  /** Position in an `n_cmpl` answer (0 for a single one). */
  index: number;
  /** The slot that served it. */
  slot: number;
  /** The generation reached the end of the slot's context (no context shift): a cut step. */
  truncated: boolean;
  body: Record<string, unknown>;
  model: string;
}

/** A `/completion` answer as llama-server 0.4.0-dev writes it (non-streaming). */
export function llamacppCompletionBody(a: LlamacppAnswer): Record<string, unknown> {
  const { sample, promptTokens } = a;
  const stopType = sample.finish === 'length' ? 'limit' : sample.stop === null ? 'eos' : 'word';
  return {
    index: a.index,
    content: sample.text,
    tokens: [],
    id_slot: a.slot,
    stop: true,
    model: a.model,
    tokens_predicted: sample.completionTokens,
    tokens_evaluated: promptTokens,
    generation_settings: {
      seed: a.seed,
      temperature: a.body.temperature,
      top_k: a.body.top_k,
      top_p: a.body.top_p,
      min_p: a.body.min_p,
      repeat_penalty: a.body.repeat_penalty,
      stop: a.body.stop,
      max_tokens: a.body.n_predict,
      n_predict: a.body.n_predict,
      stream: false,
      chat_format: 'Content-only',
    },
    prompt: `<s> ${a.prompt}`,
    has_new_line: sample.text.includes('\n'),
    truncated: a.truncated,
    stop_type: stopType,
    stopping_word: stopType === 'word' ? sample.stop : '',
    tokens_cached: promptTokens + sample.completionTokens - 1,
    timings: {
      cache_n: 0,
      prompt_n: promptTokens,
      predicted_n: sample.completionTokens,
    },
  };
}

/** llama-server's answers outside `/completion`, byte for byte where it matters. */
export const LLAMACPP = {
  /** Every route while the model loads (after a start or restart); no Retry-After header. */
  loading: { error: { message: 'Loading model', type: 'unavailable_error', code: 503 } },
  /** Any unknown route (with `Connection: close`). */
  notFound: { error: { message: 'File Not Found', type: 'not_found_error', code: 404 } },
  health: { status: 'ok' },
  /**
   * A request body that is not JSON: nlohmann's parse error, as a 500. `at` is the 0-based
   * offset where parsing failed (the end of the text when it ended early).
   */
  badJson(text: string, at: number, detail: string): Record<string, unknown> {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    return {
      error: {
        code: 500,
        message: `[json.exception.parse_error.101] parse error at line ${line}, column ${column}: ${detail}`,
        type: 'server_error',
      },
    };
  },
  /** `n`/`n_cmpl` above the server's `--parallel`. */
  tooManyCompletions(field: string, slots: number, n: number): Record<string, unknown> {
    return {
      error: {
        code: 400,
        message: `Field '${field}': Value must be between 1 <= value <= ${slots}, but got ${n}`,
        type: 'invalid_request_error',
      },
    };
  },
  /** The part of `GET /props` clients read. */
  props(slots: number, slotContext: number, model: string): Record<string, unknown> {
    return {
      default_generation_settings: { n_ctx: slotContext },
      total_slots: slots,
      model_alias: model,
      endpoint_slots: true,
      endpoint_props: false,
      endpoint_metrics: true,
      bos_token: '<s>',
      eos_token: '</s>',
      build_info: 'b1-80fb11a',
      is_sleeping: false,
    };
  },
} as const;

export function vllmClassifyBody(
  model: string,
  scores: readonly number[],
  promptTokens: number,
): Record<string, unknown> {
  return {
    id: 'classify-9d1c2b3a4f5e6d7c',
    object: 'list',
    created: 1_763_700_000,
    model,
    data: scores.map((s, index) => ({ index, label: 'LABEL_0', probs: [s], num_classes: 1 })),
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  };
}

export function vllmPoolingBody(
  model: string,
  scores: readonly number[],
  promptTokens: number,
): Record<string, unknown> {
  return {
    id: 'pool-1a2b3c4d5e6f',
    object: 'list',
    created: 1_763_700_000,
    model,
    data: scores.map((s, index) => ({ index, object: 'pooling', data: [s] })),
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  };
}

export function sglangClassifyBody(
  scores: readonly number[],
  promptTokens: readonly number[],
): unknown[] {
  return scores.map((s, i) => ({
    embedding: [s],
    meta_info: {
      id: `c0ffee${i}`,
      finish_reason: { type: 'length', length: 0 },
      prompt_tokens: promptTokens[i] ?? 0,
      e2e_latency: 0.012,
    },
  }));
}
