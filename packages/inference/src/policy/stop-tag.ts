/**
 * Normalises how a candidate ended, whatever the server said:
 * - a reported stop string (vLLM `stop_reason`, SGLang `matched_stop`, llama.cpp `stopping_word`)
 *   is the tag; if the text still ends with it (e.g. `include_stop_str_in_output` set through
 *   `extraBody`), it is cut off, since the engine re-attaches it;
 * - a reported number (a stop *token* id, SGLang's EOS id) or null means EOS: no tag;
 * - nothing reported at all (a generic server): the configured stops are matched against the end
 *   of the text (longest first), and the tag is null when none matches.
 */
export function normalizeStop(
  text: string,
  reported: unknown,
  stops: readonly string[],
): { text: string; stop: string | null } {
  if (typeof reported === 'string' && reported !== '') {
    return {
      text: text.endsWith(reported) ? text.slice(0, -reported.length) : text,
      stop: reported,
    };
  }
  if (reported !== undefined) return { text, stop: null };
  const match = [...stops]
    .filter((s) => s !== '')
    .sort((a, b) => b.length - a.length)
    .find((s) => text.endsWith(s));
  return match === undefined
    ? { text, stop: null }
    : { text: text.slice(0, -match.length), stop: match };
}
