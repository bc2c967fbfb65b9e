import type { ExpandRequest, StepCandidate } from '@rstar-fleet/mcts';
import { ContextOverflowError, InvalidInputError, RstarError } from '@rstar-fleet/protocol';
import { countTokens } from '@rstar-fleet/model-sim';

/** One generate call over many trees' prompts: per request, its candidates (or an overflow). */
export type BatchPolicy = (
  requests: readonly ExpandRequest[],
) => Promise<(StepCandidate[] | ContextOverflowError)[]>;

export interface BatchPolicySettings {
  url: string;
  model: string;
  maxTokens: number;
  temperature: number;
  topP: number;
  /** The model's context: prompts that cannot fit with `maxTokens` are not sent. */
  maxModelLen: number;
}

interface Choice {
  index: number;
  text: string;
  finish_reason: string;
  stop_reason: string | null;
}

/**
 * rStar's `llm.generate(prompts, SamplingParams(n=…))` as one vLLM `/v1/completions` request
 * with a list of prompts (choices come back prompt-major). The fields are the ones the fleet's
 * vLLM dialect sends; seeds are per request in vLLM, so one batch has none (rStar sets a global
 * one). A prompt too long for the context overflows locally, as the fleet's node would.
 */
export function vllmBatchPolicy(settings: BatchPolicySettings): BatchPolicy {
  return async (requests) => {
    const fits = requests.map(
      (r) => countTokens(r.prompt) + settings.maxTokens <= settings.maxModelLen,
    );
    const sent = requests.filter((_, i) => fits[i]);
    const n = requests[0]?.n ?? 1;
    if (requests.some((r) => r.n !== n)) {
      throw new InvalidInputError('one generate call samples the same n for every prompt');
    }
    let choices: Choice[] = [];
    if (sent.length > 0) {
      const res = await fetch(`${settings.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: settings.model,
          prompt: sent.map((r) => r.prompt),
          n,
          max_tokens: settings.maxTokens,
          temperature: settings.temperature,
          top_p: settings.topP,
          stop: sent[0]?.stop ?? [],
          include_stop_str_in_output: false,
          skip_special_tokens: false,
          spaces_between_special_tokens: false,
        }),
      });
      const body = (await res.json()) as { choices?: Choice[]; error?: { message: string } };
      if (!res.ok || body.choices === undefined) {
        throw new RstarError(
          'UNAVAILABLE',
          `batched generate failed: ${res.status} ${body.error?.message ?? ''}`,
        );
      }
      choices = body.choices;
    }
    let next = 0;
    return requests.map((r, i) => {
      if (!fits[i]) {
        return new ContextOverflowError(`prompt of node ${r.nodeId} does not fit the context`, {
          requested: countTokens(r.prompt) + settings.maxTokens,
          limit: settings.maxModelLen,
        });
      }
      const mine = choices.slice(next * n, (next + 1) * n);
      next++;
      return mine.map((c) => ({
        text: c.text,
        stop: c.stop_reason,
        finishReason: c.finish_reason === 'length' ? 'length' : 'stop',
      }));
    });
  };
}
