import { ContextOverflowError } from '@rstar-fleet/protocol';
import type { ErrorBody } from './error-body';

/**
 * Recognises "the prompt does not fit the context window" in each server's own words, so that it
 * becomes `ContextOverflowError` (a terminal node) instead of a failed request:
 * - vLLM (400): "This model's maximum context length is 4096 tokens. However, you requested 5000
 *   tokens (…)" / "… and your request has 3000 input tokens (2048 > 4096 - 3000)."
 * - SGLang (400): "Input length (5000 tokens) exceeds the maximum allowed length (4096 tokens). …"
 *   or "Requested token count exceeds the model's maximum context length of 4096 tokens. You
 *   requested a total of 5000 tokens: …"
 * - llama.cpp (400): type `exceed_context_size_error`, "request (9412 tokens) exceeds the available
 *   context size (8192 tokens), try increasing it", with `n_prompt_tokens` and `n_ctx` fields.
 * - OpenAI-style servers: code/type `context_length_exceeded`.
 */
const PATTERNS: readonly RegExp[] = [
  /maximum context length/i,
  /exceeds the maximum allowed length/i,
  /exceeds the available context size/i,
  /context[_ ]length[_ ]exceeded/i,
  /exceed_context_size/i,
];

function firstInt(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function isContextOverflow(body: ErrorBody): boolean {
  const code = body.json?.code;
  const haystack = `${body.type ?? ''} ${body.message} ${typeof code === 'string' ? code : ''}`;
  return PATTERNS.some((p) => p.test(haystack));
}

/** The typed error for an overflow body, with the sizes the server reported when it did. */
export function contextOverflowFrom(
  body: ErrorBody,
  endpoint: string,
  cause: unknown,
): ContextOverflowError {
  const text = body.message;
  const limit =
    num(body.json?.n_ctx) ??
    firstInt(text, /maximum context length (?:is|of) (\d+)/i) ??
    firstInt(text, /maximum allowed length \((\d+)/i) ??
    firstInt(text, /available context size \((\d+)/i);
  const requested =
    num(body.json?.n_prompt_tokens) ??
    firstInt(text, /you requested (?:a total of )?(\d+)/i) ??
    firstInt(text, /request has (\d+) input tokens/i) ??
    firstInt(text, /input length \((\d+)/i) ??
    firstInt(text, /request \((\d+) tokens\)/i);
  return new ContextOverflowError(
    `prompt does not fit the context window of ${endpoint}: ${text}`,
    { requested, limit },
    { cause },
  );
}
