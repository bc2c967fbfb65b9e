/**
 * Reads the message out of an inference server's error body. The shapes differ:
 * - vLLM (recent) and llama.cpp: `{"error": {"message", "type", "code", …}}`
 * - vLLM (older) and SGLang: `{"object": "error", "message", "type", "param", "code"}`
 * - FastAPI defaults (422 validation, some 4xx): `{"detail": string | [{msg, …}]}`
 * Anything else: the raw text, shortened.
 */
export interface ErrorBody {
  message: string;
  type: string | undefined;
  /** The parsed JSON body, when it was JSON (llama.cpp puts `n_prompt_tokens`/`n_ctx` beside the message). */
  json: Record<string, unknown> | undefined;
}

const MAX_MESSAGE_CHARS = 500;

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function parseErrorBody(text: string): ErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: text.slice(0, MAX_MESSAGE_CHARS), type: undefined, json: undefined };
  }
  const top = record(parsed);
  const nested = record(top?.error);
  const source = nested ?? top;
  let message = str(source?.message) ?? str(top?.error);
  if (message === undefined && top !== undefined) {
    const detail = top.detail;
    message = Array.isArray(detail)
      ? detail.map((d) => str(record(d)?.msg) ?? JSON.stringify(d)).join('; ')
      : str(detail);
  }
  return {
    message: (message ?? text).slice(0, MAX_MESSAGE_CHARS),
    type: str(source?.type),
    json: source,
  };
}
