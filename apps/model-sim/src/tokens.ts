/**
 * The simulator's token count: one token per 4 characters, rounded up (about what BPE
 * tokenizers give on code and English). Used for usage, max_tokens cuts and the context limit.
 */
export const CHARS_PER_TOKEN = 4;

export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
