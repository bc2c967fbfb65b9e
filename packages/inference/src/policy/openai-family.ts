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

/**
 * `POST /v1/completions` as vLLM, SGLang and generic OpenAI-compatible servers speak it. They
 * differ in the extra sampling fields they accept and in the field that names the matched stop.
 */
interface FamilyMember {
  /** Fields beyond OpenAI's that this server takes, from the sampling settings. */
  extraFields(sampling: Sampling): Record<string, unknown>;
  /** The choice field holding the matched stop (string), EOS (null / token id); none for generic. */
  stopField: string | undefined;
}

function finishOf(reason: unknown): 'stop' | 'length' {
  if (reason === 'length') return 'length';
  if (reason === 'stop' || reason === null || reason === undefined || reason === 'eos')
    return 'stop';
  // vLLM `abort`: the server dropped the sequence; its text is a fragment, not a step.
  throw new DialectError(`unexpected finish_reason ${JSON.stringify(reason)}`);
}

/**
 * Per-candidate completion tokens: from `token_ids` when the server returned them, from `usage`
 * when there is one choice, otherwise `usage` split in proportion to text length (OpenAI-style
 * usage is per request, not per choice; the total stays exact).
 */
function completionTokens(
  choices: Record<string, unknown>[],
  texts: string[],
  total: number,
): number[] {
  if (choices.length === 1) return [total];
  const fromIds = choices.map((c) => (Array.isArray(c.token_ids) ? c.token_ids.length : undefined));
  if (fromIds.every((x) => x !== undefined)) return fromIds;
  const chars = texts.reduce((a, t) => a + t.length, 0);
  const shares = texts.map((t) =>
    chars === 0 ? Math.floor(total / texts.length) : Math.floor((total * t.length) / chars),
  );
  const rest = total - shares.reduce((a, b) => a + b, 0);
  if (shares.length > 0) shares[shares.length - 1] = (shares[shares.length - 1] ?? 0) + rest;
  return shares;
}

function makeDialect(member: FamilyMember): PolicyDialect {
  return {
    path: '/v1/completions',
    body(call: PolicyCall, s: Sampling) {
      return {
        model: s.model,
        prompt: call.prompt,
        n: call.n,
        temperature: s.temperature,
        top_p: s.topP,
        max_tokens: s.maxTokens,
        stop: [...call.stop],
        seed: call.seed,
        presence_penalty: 0,
        frequency_penalty: 0,
        stream: false,
        ...member.extraFields(s),
      };
    },
    parse(json: unknown, call: PolicyCall): ParsedCompletion {
      const root = obj(json, 'answer');
      if (!Array.isArray(root.choices)) throw new DialectError('answer has no choices array');
      const choices = root.choices
        .map((c, i) => obj(c, `choices[${i}]`))
        .sort((a, b) => (optNum(a.index) ?? 0) - (optNum(b.index) ?? 0));
      if (choices.length !== call.n) {
        throw new DialectError(`asked for ${call.n} choices, got ${choices.length}`);
      }
      const usage = root.usage === undefined || root.usage === null ? {} : obj(root.usage, 'usage');
      const promptTokens = optNum(usage.prompt_tokens) ?? 0;
      const totalCompletion = optNum(usage.completion_tokens) ?? 0;
      const normalized = choices.map((c, i) => {
        if (typeof c.text !== 'string')
          throw new DialectError(`choices[${i}].text is not a string`);
        const reported = member.stopField === undefined ? undefined : c[member.stopField];
        return normalizeStop(c.text, reported, call.stop);
      });
      const counts = completionTokens(
        choices,
        normalized.map((x) => x.text),
        totalCompletion,
      );
      const candidates: StepCandidate[] = choices.map((c, i) => {
        const n = normalized[i] ?? { text: '', stop: null };
        return {
          text: n.text,
          stop: n.stop,
          finishReason: finishOf(c.finish_reason),
          tokens: { prompt: promptTokens, completion: counts[i] ?? 0 },
        };
      });
      return { candidates, promptTokens, completionTokens: totalCompletion };
    },
  };
}

/**
 * vLLM: `stop_reason` names the matched stop string (null on EOS). Stop strings are left out of
 * the text (`include_stop_str_in_output: false`, sent explicitly). `top_k`, `min_p` and
 * `repetition_penalty` are sent because vLLM otherwise takes them from the checkpoint's
 * generation_config.json.
 *
 * The trainer adds the step tags (`<code>`, `<end_of_step>`, …) as SPECIAL tokens, as rStar's
 * released code does. vLLM's default `skip_special_tokens: true` drops them from the detokenized
 * text, so stop strings on them never match and steps run on to `max_tokens`; rStar samples with
 * `skip_special_tokens=False`. `spaces_between_special_tokens: false` keeps the detokenizer from
 * putting a space between adjacent tags (`<end_of_code> <output>`), which would change the
 * step text the next prompt is built from.
 */
export const vllmDialect = makeDialect({
  stopField: 'stop_reason',
  extraFields: (s) => ({
    top_k: s.topK <= 0 ? -1 : s.topK,
    min_p: s.minP,
    repetition_penalty: s.repetitionPenalty,
    include_stop_str_in_output: false,
    skip_special_tokens: false,
    spaces_between_special_tokens: false,
  }),
});

/**
 * SGLang: `matched_stop` is the stop string, or the EOS token id; `no_stop_trim: false`.
 * `skip_special_tokens: false` for the special-token step tags, as for vLLM; SGLang's
 * `/v1/completions` copies it into its sampling params. Its request schema has no
 * `spaces_between_special_tokens` (a native `/generate` sampling param only; unknown fields are
 * dropped), so it is not sent.
 */
export const sglangDialect = makeDialect({
  stopField: 'matched_stop',
  extraFields: (s) => ({
    top_k: s.topK <= 0 ? -1 : s.topK,
    min_p: s.minP,
    repetition_penalty: s.repetitionPenalty,
    no_stop_trim: false,
    skip_special_tokens: false,
  }),
});

/**
 * Any other OpenAI-compatible server (Ollama, hosted APIs): OpenAI's fields only, since such a
 * server may reject unknown ones; many lack `n`, so the client fans out by default; the stop tag
 * is recovered from the text end when the server leaves it in, else null.
 */
export const openaiDialect = makeDialect({
  stopField: undefined,
  extraFields: () => ({}),
});
