import { readGroup } from './lexer';

/** Responses longer than this are searched only in their tail, where final answers live. */
const MAX_SCAN_CHARS = 200_000;

/** Without a box, a string this short (one line) is taken as the answer itself. */
const BARE_ANSWER_CHARS = 200;

/**
 * The final answer of a model response: the content of the last `\boxed{...}` or `\fbox{...}`
 * (nested braces respected; `\boxed 5` without braces too). Without a box: the text after the
 * last "answer is" / "Answer:", or the whole string when it is short enough to be an answer.
 * Returns null when there is nothing that can be taken as an answer.
 */
export function extractAnswer(text: string): string | null {
  const s = text.length > MAX_SCAN_CHARS ? text.slice(-MAX_SCAN_CHARS) : text;
  const boxed = lastBoxed(s);
  if (boxed !== undefined) return boxed;
  const phrase = answerPhrase(s);
  if (phrase !== undefined) return phrase;
  const trimmed = s.trim();
  if (trimmed !== '' && trimmed.length <= BARE_ANSWER_CHARS && !trimmed.includes('\n')) {
    return trimmed;
  }
  return null;
}

function lastBoxed(s: string): string | undefined {
  const re = /\\(?:boxed|fbox)(?![a-zA-Z])/g;
  const starts: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) starts.push(m.index + m[0].length);
  for (let i = starts.length - 1; i >= 0; i--) {
    const content = boxArgument(s, starts[i] as number);
    if (content !== undefined) return unbox(content.trim());
  }
  return undefined;
}

function boxArgument(s: string, at: number): string | undefined {
  let i = at;
  while (s[i] === ' ') i++;
  if (s[i] === '{') return readGroup(s, i)?.content;
  // `\boxed 5` (TeX allows a single-token argument): take the next word.
  const m = /^[^\s${}\\]+/.exec(s.slice(i, i + 100));
  return m === null ? undefined : m[0];
}

/** `\boxed{\boxed{5}}` and `\boxed{\text{\boxed{5}}}`-style doubles reduce to the inner answer. */
function unbox(content: string): string {
  const inner = /^\\(?:boxed|fbox)\s*\{/.exec(content);
  if (inner === null) return content;
  const g = readGroup(content, inner[0].length - 1);
  return g !== undefined && g.end === content.length ? unbox(g.content.trim()) : content;
}

function answerPhrase(s: string): string | undefined {
  const re = /(?:final answer|the answer|answer)\s*(?:is|:)\s*:?\s*([^\n]+)/gi;
  let last: string | undefined;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) last = m[1];
  if (last === undefined) return undefined;
  const cleaned = last
    .trim()
    .replace(/^\$+|\$+$/g, '')
    .replace(/^\\\(|\\\)$/g, '')
    .replace(/\.\s*$/, '')
    .replace(/^\$+|\$+$/g, '')
    .trim();
  return cleaned === '' ? undefined : cleaned;
}
