import type { RewardDialectName } from '@rstar-fleet/protocol';
import { DialectError, obj, optNum } from '../policy/dialect';

export interface RewardSettings {
  model: string;
  /** Which entry of the per-sequence output vector is the score (0 for a 1-label head). */
  scoreIndex: number;
  /** vLLM `use_activation`; false returns the raw logit (what tanh(x/5) expects). */
  useActivation: boolean;
  /** vLLM `/pooling` task. */
  poolingTask: string;
}

export interface ParsedScores {
  raw: number[];
  promptTokens: number;
}

export interface RewardDialect {
  readonly path: string;
  body(inputs: readonly string[], s: RewardSettings): Record<string, unknown>;
  parse(json: unknown, count: number, s: RewardSettings): ParsedScores;
}

function pick(vector: unknown, index: number, what: string): number {
  if (typeof vector === 'number' && Number.isFinite(vector)) {
    if (index !== 0) throw new DialectError(`${what} is a scalar, scoreIndex ${index} unavailable`);
    return vector;
  }
  if (!Array.isArray(vector)) throw new DialectError(`${what} is not a number or array`);
  // token_classify / STEP pooling: one row per step tag; the newest step is the last row.
  const row: unknown = Array.isArray(vector[0]) ? vector[vector.length - 1] : vector;
  const v: unknown = Array.isArray(row) ? row[index] : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new DialectError(`${what}[${index}] is not a finite number`);
  }
  return v;
}

/** vLLM's `{object: "list", data: [{index, …}], usage}` envelope, in input order. */
function vllmData(
  json: unknown,
  count: number,
): { items: Record<string, unknown>[]; promptTokens: number } {
  const root = obj(json, 'answer');
  if (!Array.isArray(root.data)) throw new DialectError('answer has no data array');
  const items = root.data
    .map((d, i) => obj(d, `data[${i}]`))
    .sort((a, b) => (optNum(a.index) ?? 0) - (optNum(b.index) ?? 0));
  if (items.length !== count)
    throw new DialectError(`sent ${count} inputs, got ${items.length} results`);
  const usage = root.usage === undefined || root.usage === null ? {} : obj(root.usage, 'usage');
  return { items, promptTokens: optNum(usage.prompt_tokens) ?? 0 };
}

/** vLLM `POST /classify`: `{model, input: [...], use_activation}` → `data[i].probs`. */
export const vllmClassify: RewardDialect = {
  path: '/classify',
  body: (inputs, s) => ({ model: s.model, input: [...inputs], use_activation: s.useActivation }),
  parse(json, count, s) {
    const { items, promptTokens } = vllmData(json, count);
    return {
      raw: items.map((d, i) => pick(d.probs, s.scoreIndex, `data[${i}].probs`)),
      promptTokens,
    };
  },
};

/**
 * vLLM `POST /pooling`: `{model, input: [...], task, use_activation}` → `data[i].data`, a vector
 * (classify) or one row per step tag (token_classify with STEP pooling; the last row is read).
 */
export const vllmPooling: RewardDialect = {
  path: '/pooling',
  body: (inputs, s) => ({
    model: s.model,
    input: [...inputs],
    task: s.poolingTask,
    use_activation: s.useActivation,
  }),
  parse(json, count, s) {
    const { items, promptTokens } = vllmData(json, count);
    return {
      raw: items.map((d, i) => pick(d.data, s.scoreIndex, `data[${i}].data`)),
      promptTokens,
    };
  },
};

/** SGLang native `POST /classify`: `{model, text: [...]}` → `[{embedding: [score], meta_info}]`. */
export const sglangClassify: RewardDialect = {
  path: '/classify',
  body: (inputs, s) => ({ model: s.model, text: [...inputs] }),
  parse(json, count, s) {
    const list: unknown[] = Array.isArray(json) ? json : [json];
    if (list.length !== count)
      throw new DialectError(`sent ${count} inputs, got ${list.length} results`);
    let promptTokens = 0;
    const raw = list.map((item, i) => {
      const o = obj(item, `[${i}]`);
      const meta =
        typeof o.meta_info === 'object' && o.meta_info !== null
          ? (o.meta_info as Record<string, unknown>)
          : {};
      promptTokens += optNum(meta.prompt_tokens) ?? 0;
      return pick(o.embedding, s.scoreIndex, `[${i}].embedding`);
    });
    return { raw, promptTokens };
  },
};

export const REWARD_DIALECT_IMPLS: Record<RewardDialectName, RewardDialect> = {
  'vllm-classify': vllmClassify,
  'vllm-pooling': vllmPooling,
  'sglang-classify': sglangClassify,
};
