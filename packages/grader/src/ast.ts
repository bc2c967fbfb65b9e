import type { Rational } from './rational';

/** Relations as written; `>`/`≥` are kept so that a chain reads the way it was written. */
export type RelOp = '=' | '≠' | '<' | '≤' | '>' | '≥' | 'in' | '≈';

export type Bracket = '(' | ')' | '[' | ']' | '{' | '}' | '<' | '>' | '';

export type Node =
  /** An exact literal; `decimal` records that it was written with a point (an approximation). */
  | { k: 'num'; value: Rational; decimal: boolean }
  /** A literal written with a trailing ellipsis and no visible period: undecidable as a value. */
  | { k: 'approx'; text: string }
  | { k: 'sym'; name: string }
  | { k: 'const'; name: 'pi' | 'e' | 'i' | 'inf' }
  | { k: 'add'; terms: Node[] }
  | { k: 'mul'; factors: Node[] }
  | { k: 'neg'; arg: Node }
  | { k: 'div'; num: Node; den: Node }
  | { k: 'pow'; base: Node; exp: Node }
  | { k: 'root'; arg: Node; index: Node }
  | { k: 'fn'; name: string; args: Node[] }
  | { k: 'fact'; arg: Node }
  | { k: 'binom'; n: Node; r: Node }
  /** `a ± b` (a absent for a unary ±); `minusFirst` for ∓. */
  | { k: 'pm'; a: Node | undefined; b: Node; minusFirst: boolean }
  | { k: 'percent'; arg: Node }
  | { k: 'deg'; arg: Node }
  /** A numeral in another base, e.g. `1011_2`; `value` is undefined when the digits are invalid. */
  | { k: 'based'; digits: string; base: number; value: bigint | undefined }
  | { k: 'rel'; ops: RelOp[]; sides: Node[] }
  /** Bracketed or bare lists: tuples, intervals, sets, vectors, solution lists. */
  | { k: 'list'; open: Bracket; close: Bracket; items: Node[]; joiner: 'comma' | 'or' | 'and' }
  | { k: 'union'; parts: Node[] }
  /** Intersection and difference of sets of reals (`\cap`, `\setminus`). */
  | { k: 'setop'; op: 'cap' | 'minus'; a: Node; b: Node }
  | { k: 'matrix'; rows: Node[][] }
  | { k: 'reals' }
  | { k: 'empty' }
  | { k: 'text'; text: string };
