/** Column alignment of a Markdown table. */
export type Align = 'left' | 'right';

/**
 * A Markdown table with its columns padded to equal width, so it reads in a terminal as it is and
 * renders as a table anywhere else. `|` inside a cell is escaped.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const cells = [header, ...rows].map((row) => row.map((c) => c.replaceAll('|', '\\|')));
  const widths = header.map((_, i) =>
    Math.max(3, ...cells.map((row) => [...(row[i] ?? '')].length)),
  );
  const pad = (text: string, i: number): string => {
    const fill = ' '.repeat((widths[i] as number) - [...text].length);
    return align[i] === 'right' ? fill + text : text + fill;
  };
  const line = (row: readonly string[]): string =>
    `| ${header.map((_, i) => pad(row[i] ?? '', i)).join(' | ')} |`;
  const rule = `| ${header
    .map((_, i) => {
      const dashes = '-'.repeat((widths[i] as number) - 1);
      return align[i] === 'right' ? `${dashes}:` : `${dashes}-`;
    })
    .join(' | ')} |`;
  const [head, ...body] = cells;
  return [line(head as string[]), rule, ...body.map(line)].join('\n');
}
