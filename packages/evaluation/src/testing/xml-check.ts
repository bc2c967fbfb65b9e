/**
 * A small well-formedness check for the SVG the renderers write (no XML parser is a dependency):
 * one root `<svg>` element, every tag closed in order, attribute values quoted, and no bare `&` or
 * `<` in text. Returns the problems found; empty when the document is well formed.
 */
export function xmlProblems(doc: string): string[] {
  const problems: string[] = [];
  const text = doc.trim();
  if (!text.startsWith('<svg')) problems.push('does not start with <svg');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let roots = 0;
  for (const m of text.matchAll(token)) {
    const [, closing, name, , selfClosing, chars, stray] = m;
    if (stray !== undefined) {
      problems.push(`malformed tag at ${m.index}: ${text.slice(m.index, m.index + 30)}`);
    } else if (chars !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(chars)) problems.push(`bare & in ${chars}`);
      if (stack.length === 0 && chars.trim() !== '') problems.push('text outside the root');
    } else if (closing === '/') {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      if (stack.length === 0) roots++;
      if (selfClosing !== '/') stack.push(name as string);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
