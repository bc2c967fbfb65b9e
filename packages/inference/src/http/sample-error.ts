import type { ErrorBody } from './error-body';

/**
 * Recognises a server's refusal to render one sampled sequence, which depends on the sample (the
 * seed), not on the replica: llama.cpp parses every final answer with its chat-output parser, even
 * on `/completion`, and answers 500 `server_error` "The model produced output that does not match
 * the expected Content-only format" when the sampled bytes are not valid UTF-8.
 */
const PATTERNS: readonly RegExp[] = [/produced output that does not match the expected/i];

export function isUnusableSample(status: number, body: ErrorBody): boolean {
  return status === 500 && PATTERNS.some((p) => p.test(body.message));
}
