/**
 * A sentence template such as `Then {a0}/{a1} of the {items} are sold.` used both ways: rendered
 * by the generator and compiled to a regular expression by the question parser, so that every
 * sentence the generator can write is one the parser reads back (the recovery scheme relies on
 * this being true by construction, not by keeping two lists in step).
 */
export interface Subject {
  place: string;
  items: string;
}

export interface Template {
  readonly source: string;
  render(args: readonly number[], subject: Subject): string;
  /** Numeric arguments in index order, or null when the sentence is not this template. */
  match(sentence: string): number[] | null;
}

const PLACEHOLDER = /\{(a\d|items|place)\}/g;

export function compileTemplate(source: string): Template {
  const pieces = source.split(PLACEHOLDER);
  const order: number[] = [];
  let pattern = '^';
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) {
      pattern += piece.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (piece === 'items' || piece === 'place') {
      pattern += '[a-z]+';
    } else {
      order.push(Number(piece.slice(1)));
      pattern += '(\\d+)';
    }
  });
  const regex = new RegExp(`${pattern}$`);
  return {
    source,
    render(args, subject) {
      let out = '';
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i] as string;
        if (i % 2 === 0) out += piece;
        else if (piece === 'items') out += subject.items;
        else if (piece === 'place') out += subject.place;
        else out += String(args[Number(piece.slice(1))]);
      }
      return out;
    },
    match(sentence) {
      const m = regex.exec(sentence);
      if (m === null) return null;
      const args: number[] = [];
      order.forEach((argIndex, g) => {
        args[argIndex] = Number(m[g + 1]);
      });
      return args;
    },
  };
}
