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

/** At most this many boxes in a row are read as one list of answers. */
const MAX_JOINED_BOXES = 16;

/** Between two boxes of one list: only a comma, "and", "or" or a semicolon (and spacing). */
const LIST_GAP = /^(?:\s|\$|\\[,;:! ]|\\q?quad|\\text\s*\{\s*(?:and|or|,)?\s*\}|,|;|and|or)*$/;

interface Box {
  /** Where `\boxed` starts and where its argument ends. */
  from: number;
  to: number;
  content: string;
}

/**
 * The last box; when the boxes before it are joined to it only by commas, "and" or "or"
 * (`$\boxed{2}$ and $\boxed{3}$`), all of them, as one list of answers.
 */
function lastBoxed(s: string): string | undefined {
  const re = /\\(?:boxed|fbox)(?![a-zA-Z])/g;
  const starts: Array<[number, number]> = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) starts.push([m.index, m.index + m[0].length]);
  let i = starts.length - 1;
  let last: Box | undefined;
  for (; i >= 0 && last === undefined; i--) last = boxAt(s, starts[i] as [number, number]);
  if (last === undefined) return undefined;
  const list = [unbox(last.content.trim())];
  let hedged = false;
  let next = last;
  for (; i >= 0 && list.length < MAX_JOINED_BOXES; i--) {
    const box = boxAt(s, starts[i] as [number, number]);
    if (box === undefined || box.to > next.from) break;
    const gap = s.slice(box.to, next.from);
    if (gap.length > 40 || !LIST_GAP.test(gap) || !/,|;|and|or/.test(gap)) break;
    list.unshift(unbox(box.content.trim()));
    hedged ||= /or/.test(gap);
    next = box;
  }
  // "or" stays visible: between choice letters it is a hedge.
  return list.join(hedged ? ' \\text{ or } ' : ', ');
}

function boxAt(s: string, [from, at]: [number, number]): Box | undefined {
  let i = at;
  while (s[i] === ' ') i++;
  if (s[i] === '{') {
    const g = readGroup(s, i);
    return g === undefined ? undefined : { from, to: g.end, content: g.content };
  }
  // `\boxed 5` (TeX allows a single-token argument): take the next word.
  const m = /^[^\s${}\\]+/.exec(s.slice(i, i + 100));
  return m === null ? undefined : { from, to: i + m[0].length, content: m[0] };
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
