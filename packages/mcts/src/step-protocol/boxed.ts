const BOXED = '\\boxed{';

/**
 * Content of the last complete `\boxed{…}` in `text`, with nested braces balanced
 * (`\boxed{\frac{1}{2}}` → `\frac{1}{2}`), trimmed; null when there is none. An unbalanced last
 * box (e.g. a truncated one) falls back to the previous complete one.
 */
export function lastBoxed(text: string): string | null {
  let from = text.length;
  for (;;) {
    const at = text.lastIndexOf(BOXED, from);
    if (at < 0) return null;
    const content = balancedFrom(text, at + BOXED.length);
    if (content !== null) return content.trim();
    if (at === 0) return null;
    from = at - 1;
  }
}

/** The text from `start` up to the brace closing the one just before `start`, or null. */
function balancedFrom(text: string, start: number): string | null {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start, i);
  }
  return null;
}

export function hasBoxed(text: string): boolean {
  return lastBoxed(text) !== null;
}
