import type { Bracket, Node, RelOp } from './ast';
import { lex, type Token } from './lexer';
import { FUNCTIONS, GREEK, LIST_FUNCTIONS, MATRIX_ENVS, PLAIN_NAMES, PRIMARY_CMDS } from './names';
import { numberValue, parseBased } from './numerals';
import { type Rational, add as radd, rat } from './rational';
import { CONNECTIVES, isBareUnitWord, isUnitText } from './units';
import { parseNumberWords, scaleWord } from './words';

/** Thrown for anything the grammar does not cover; the caller falls back to text comparison. */
export class ParseError extends Error {}

/** Recursion guard: about four levels per nested `\frac`, so ~150 nested fractions parse. */
const MAX_DEPTH = 600;

export function parseAnswerString(s: string): Node {
  return new Parser(lex(s)).parseTop();
}

function num(value: Rational, decimal = false): Node {
  return { k: 'num', value, decimal };
}

class Parser {
  private pos = 0;
  private depth = 0;
  private absDepth = 0;

  constructor(private readonly toks: Token[]) {}

  parseTop(): Node {
    const { items, joiner, separated } = this.parseItems();
    if (this.peek().t !== 'end') throw new ParseError(`unexpected ${describe(this.peek())}`);
    if (items.length === 1 && !separated) return items[0] as Node;
    return { k: 'list', open: '', close: '', items, joiner };
  }

  // ---- token helpers -------------------------------------------------------------------------

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.pos + offset, this.toks.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === 'op' && t.text === text;
  }

  private eatOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.next();
    return true;
  }

  private expectOp(text: string): void {
    if (!this.eatOp(text)) throw new ParseError(`expected ${text}, got ${describe(this.peek())}`);
  }

  private isCmd(name: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === 'cmd' && t.name === name;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError('nesting too deep');
  }

  /** Takes the first letter of a letter run, leaving the rest as the next token. */
  private takeLetter(): string {
    const t = this.peek();
    if (t.t !== 'letters') throw new ParseError('expected a letter');
    const first = t.text[0] as string;
    if (t.text.length === 1) this.next();
    else this.toks[this.pos] = { t: 'letters', text: t.text.slice(1) };
    return first;
  }

  // ---- lists and relations -------------------------------------------------------------------

  private parseItems(): { items: Node[]; joiner: 'comma' | 'or' | 'and'; separated: boolean } {
    const items: Node[] = [];
    let joiner: 'comma' | 'or' | 'and' = 'comma';
    let separated = false;
    for (;;) {
      if (this.atItemsEnd()) break;
      items.push(this.parseRelation());
      const sep = this.eatSeparator();
      if (sep === undefined) break;
      separated = true;
      if (sep === 'or') joiner = 'or';
      else if (sep === 'and' && joiner === 'comma') joiner = 'and';
    }
    return { items, joiner, separated };
  }

  private atItemsEnd(): boolean {
    const t = this.peek();
    if (t.t === 'end') return true;
    if (t.t === 'op') return [')', ']', '}', '\\}'].includes(t.text);
    return t.t === 'cmd' && t.name === 'rangle';
  }

  private eatSeparator(): 'comma' | 'or' | 'and' | undefined {
    let found: 'comma' | 'or' | 'and' | undefined;
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.text === ',' || t.text === ';')) {
        found ??= 'comma';
      } else if (t.t === 'letters' && (t.text === 'and' || t.text === 'or')) {
        found = found === 'or' ? 'or' : t.text;
      } else if (t.t === 'text' && /^\s*(?:,|;|and|or|,\s*and|,\s*or)?\s*$/i.test(t.text)) {
        const w = t.text.trim().toLowerCase();
        if (w.endsWith('or')) found = 'or';
        else if (w.endsWith('and')) found = found === 'or' ? 'or' : 'and';
        else if (w !== '') found ??= 'comma';
        else if (found === undefined) {
          // An empty \text{} between items is spacing, not a separator.
          this.next();
          continue;
        }
      } else {
        return found;
      }
      this.next();
    }
  }

  private parseRelation(): Node {
    this.enter();
    const sides = [this.parseRatio()];
    const ops: RelOp[] = [];
    for (;;) {
      const op = this.peekRelOp();
      if (op === undefined) break;
      this.next();
      ops.push(op);
      sides.push(this.parseRatio());
    }
    this.depth--;
    return ops.length === 0 ? (sides[0] as Node) : { k: 'rel', ops, sides };
  }

  /** `3:4`, `1:2:3`: a ratio, kept as the function `ratio` of its terms. */
  private parseRatio(): Node {
    const first = this.parseSetExpr();
    if (!this.isOp(':')) return first;
    const args = [first];
    while (this.eatOp(':')) args.push(this.parseSetExpr());
    return { k: 'fn', name: 'ratio', args };
  }

  private peekRelOp(): RelOp | undefined {
    const t = this.peek();
    if (t.t === 'op') {
      if (t.text === '=' || t.text === '<' || t.text === '>') return t.text;
      if (t.text === '≤' || t.text === '≥' || t.text === '≠') return t.text;
    }
    if (t.t === 'cmd') {
      if (t.name === 'in') return 'in';
      if (t.name === 'approx') return '≈';
      if (t.name === 'equiv') return '=';
    }
    return undefined;
  }

  private parseSetExpr(): Node {
    let left = this.parseAdditive();
    for (;;) {
      const t = this.peek();
      const isUnion =
        (t.t === 'cmd' && t.name === 'cup') ||
        (t.t === 'letters' && t.text === 'U' && this.startsBracket(1));
      if (isUnion) {
        this.next();
        const right = this.parseAdditive();
        left =
          left.k === 'union'
            ? { k: 'union', parts: [...left.parts, right] }
            : { k: 'union', parts: [left, right] };
      } else if (this.isCmd('cap') || this.isCmd('setminus')) {
        const op: 'cap' | 'minus' = this.isCmd('cap') ? 'cap' : 'minus';
        this.next();
        left = { k: 'setop', op, a: left, b: this.parseAdditive() };
      } else return left;
    }
  }

  private startsBracket(offset: number): boolean {
    const t = this.peek(offset);
    return t.t === 'op' && (t.text === '(' || t.text === '[' || t.text === '\\{');
  }

  // ---- arithmetic ----------------------------------------------------------------------------

  private parseAdditive(): Node {
    let terms: Node[] = [this.parseMul()];
    for (;;) {
      if (this.eatOp('+')) terms.push(this.parseMul());
      else if (this.eatOp('-')) terms.push({ k: 'neg', arg: this.parseMul() });
      else if (this.isCmd('pm') || this.isCmd('mp')) {
        const minusFirst = this.isCmd('mp');
        this.next();
        const b = this.parseMul();
        const a: Node = terms.length === 1 ? (terms[0] as Node) : { k: 'add', terms };
        terms = [{ k: 'pm', a, b, minusFirst }];
      } else break;
    }
    return terms.length === 1 ? (terms[0] as Node) : { k: 'add', terms };
  }

  private parseMul(): Node {
    let factors: Node[] = [this.parseUnary()];
    for (;;) {
      const t = this.peek();
      if ((t.t === 'op' && t.text === '*') || this.isCmd('cdot') || this.isCmd('times')) {
        this.next();
        factors.push(this.parseUnary());
      } else if ((t.t === 'op' && t.text === '/') || this.isCmd('div')) {
        this.next();
        const den = this.parseUnary();
        const numer: Node = factors.length === 1 ? (factors[0] as Node) : { k: 'mul', factors };
        factors = [{ k: 'div', num: numer, den }];
      } else if (this.canStartImplicit()) {
        factors.push(this.parsePower());
      } else break;
    }
    return factors.length === 1 ? (factors[0] as Node) : { k: 'mul', factors };
  }

  private parseUnary(): Node {
    this.enter();
    let out: Node;
    if (this.eatOp('-')) out = { k: 'neg', arg: this.parseUnary() };
    else if (this.eatOp('+')) out = this.parseUnary();
    else if (this.isCmd('pm') || this.isCmd('mp')) {
      const minusFirst = this.isCmd('mp');
      this.next();
      out = { k: 'pm', a: undefined, b: this.parseUnary(), minusFirst };
    } else out = this.parsePower();
    this.depth--;
    return out;
  }

  private canStartImplicit(): boolean {
    const t = this.peek();
    switch (t.t) {
      case 'num':
        return true;
      case 'letters':
        if (CONNECTIVES.has(t.text)) return false;
        return !(t.text === 'U' && this.startsBracket(1));
      case 'cmd':
        return PRIMARY_CMDS.has(t.name);
      case 'op':
        return t.text === '(' || t.text === '{' || (t.text === '|' && this.absDepth === 0);
      default:
        return false;
    }
  }

  private parsePower(): Node {
    const base = this.parsePostfix(this.parsePrimary());
    if (!this.eatOp('^')) return base;
    const exp = this.parseExponent();
    return this.parsePostfix({ k: 'pow', base, exp });
  }

  private parseExponent(): Node {
    this.enter();
    let out: Node;
    if (this.isOp('{')) out = this.parseArg();
    else if (this.eatOp('-')) out = { k: 'neg', arg: this.parseExponent() };
    else if (this.eatOp('+')) out = this.parseExponent();
    else {
      const t = this.peek();
      let atom: Node;
      if (t.t === 'letters') atom = this.symbolFrom(this.takeLetter());
      else atom = this.parsePrimary();
      atom = this.parsePostfix(atom);
      out = this.eatOp('^') ? { k: 'pow', base: atom, exp: this.parseExponent() } : atom;
    }
    this.depth--;
    return out;
  }

  /** Factorials, degrees, percent, primes and trailing units or labels after a value. */
  private parsePostfix(node: Node): Node {
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && t.text === '!') {
        this.next();
        node = { k: 'fact', arg: node };
      } else if (t.t === 'cmd' && t.name === 'degree') {
        this.next();
        node = { k: 'deg', arg: node };
      } else if (t.t === 'cmd' && t.name === '%') {
        this.next();
        node = { k: 'percent', arg: node };
      } else if (t.t === 'op' && t.text === "'" && node.k === 'sym') {
        this.next();
        node = { k: 'sym', name: `${node.name}'` };
      } else if (t.t === 'text' && node.k !== 'text' && scaleWord(t.text.trim()) !== undefined) {
        this.next();
        const scale = scaleWord(t.text.trim()) as bigint;
        node = { k: 'mul', factors: [node, num(rat(scale) as Rational)] };
      } else if (t.t === 'text' && node.k !== 'text' && isUnitText(t.text)) {
        this.next();
        this.skipUnitPower();
      } else if (t.t === 'letters' && node.k !== 'text' && this.isLabelWord(t.text)) {
        const scale = scaleWord(t.text);
        this.next();
        if (scale !== undefined) node = { k: 'mul', factors: [node, num(rat(scale) as Rational)] };
        else this.skipUnitPower();
      } else return node;
    }
  }

  private isLabelWord(word: string): boolean {
    if (CONNECTIVES.has(word) || word === 'U') return false;
    if (scaleWord(word) !== undefined) return true;
    if (PLAIN_NAMES.has(word.toLowerCase())) return isBareUnitWord(word);
    if (word.length >= 3) return true;
    // Two-letter unit abbreviations count only where nothing else can follow them.
    if (!isBareUnitWord(word)) return false;
    const after = this.peek(1);
    return (
      after.t === 'end' ||
      (after.t === 'op' && [',', ';', ')', ']', '^', '/'].includes(after.text)) ||
      (after.t === 'letters' && isBareUnitWord(after.text))
    );
  }

  private skipUnitPower(): void {
    if (this.isOp('^')) {
      const after = this.peek(1);
      if (after.t === 'num' || after.t === 'op') {
        this.next();
        if (this.isOp('{')) this.parseArg();
        else this.next();
      }
    }
    // `m/s`, `km/h`: the rest of a compound unit.
    if (this.isOp('/')) {
      const after = this.peek(1);
      if (
        (after.t === 'letters' && isBareUnitWord(after.text)) ||
        (after.t === 'text' && isUnitText(after.text))
      ) {
        this.next();
        this.next();
        this.skipUnitPower();
      }
    }
  }

  // ---- primaries -----------------------------------------------------------------------------

  private parsePrimary(): Node {
    this.enter();
    const out = this.parsePrimaryInner();
    this.depth--;
    return out;
  }

  private parsePrimaryInner(): Node {
    const t = this.peek();
    switch (t.t) {
      case 'num':
        return this.parseNumber();
      case 'letters':
        return this.parseLetters(t.text);
      case 'cmd':
        return this.parseCommand(t.name);
      case 'text':
        this.next();
        return this.parseTextToken(t.text);
      case 'op':
        return this.parseBracketed(t.text);
      default:
        throw new ParseError('unexpected end of answer');
    }
  }

  private parseNumber(): Node {
    const t = this.next();
    if (t.t !== 'num') throw new ParseError('expected a number');
    if (t.approx === true) return { k: 'approx', text: `${t.text}...` };
    const value = numberValue(t.text, t.repeat);
    if (value === undefined) throw new ParseError(`bad number ${t.text}`);
    const decimal = t.text.includes('.') || /e/i.test(t.text);
    if (!decimal && t.repeat === undefined) {
      const mixed = this.tryMixedFraction(value);
      if (mixed !== undefined) return mixed;
    }
    return num(value, decimal && t.repeat === undefined);
  }

  /** `12\frac{3}{5}` is the mixed number 12 3/5 (a proper fraction of integers only). */
  private tryMixedFraction(whole: Rational): Node | undefined {
    if (!this.isCmd('frac')) return undefined;
    const save = this.pos;
    const saved = this.toks.slice(save, save + 8);
    this.next();
    try {
      const a = this.parseArg();
      const b = this.parseArg();
      if (a.k === 'num' && b.k === 'num' && !a.decimal && !b.decimal && a.value.d === 1n) {
        const n = a.value.n;
        const d = b.value.n;
        if (b.value.d === 1n && n >= 0n && d > n) {
          const frac = rat(n, d);
          const v = frac === undefined ? undefined : radd(whole, frac);
          if (v !== undefined) return num(v);
        }
      }
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
    }
    this.pos = save;
    this.toks.splice(save, saved.length, ...saved);
    return undefined;
  }

  private parseLetters(text: string): Node {
    const lower = text.toLowerCase();
    if (text.length > 1 && PLAIN_NAMES.has(lower)) {
      this.next();
      return this.parseNamed(lower);
    }
    if (text.length >= 3) {
      const fn = /^(sqrt|sin|cos|tan|log|ln|exp)([a-z]{1,2})$/.exec(text);
      if (fn !== null) {
        this.toks[this.pos] = { t: 'letters', text: fn[2] as string };
        return this.parseNamed(fn[1] as string);
      }
      this.next();
      return { k: 'text', text };
    }
    return this.symbolFrom(this.takeLetter());
  }

  private symbolFrom(letter: string): Node {
    if (letter === 'e') return { k: 'const', name: 'e' };
    if (letter === 'i') return { k: 'const', name: 'i' };
    let name = letter;
    if (this.eatOp('_')) name += `_${this.rawArg()}`;
    return { k: 'sym', name };
  }

  /** A subscript or similar argument kept as text: `a_{12}` names the symbol `a_12`. */
  private rawArg(): string {
    if (!this.isOp('{')) {
      const t = this.peek();
      if (t.t === 'letters') return this.takeLetter();
      if (t.t === 'num') {
        this.next();
        return t.text;
      }
      throw new ParseError('bad subscript');
    }
    this.next();
    let depth = 1;
    let out = '';
    for (;;) {
      const t = this.next();
      if (t.t === 'end') throw new ParseError('unclosed group');
      if (t.t === 'op' && t.text === '{') depth++;
      if (t.t === 'op' && t.text === '}' && --depth === 0) return out;
      out += t.t === 'cmd' ? `\\${t.name}` : t.text;
    }
  }

  private parseCommand(name: string): Node {
    this.next();
    if (name === 'frac') {
      const n = this.parseArg();
      const d = this.parseArg();
      return { k: 'div', num: n, den: d };
    }
    if (name === 'sqrt') {
      let index: Node = num(rat(2n) as Rational);
      if (this.eatOp('[')) {
        index = this.parseRelation();
        this.expectOp(']');
      }
      return { k: 'root', arg: this.parseArg(), index };
    }
    if (name === 'binom') {
      const n = this.parseArg();
      return { k: 'binom', n, r: this.parseArg() };
    }
    if (name === 'pi') return { k: 'const', name: 'pi' };
    if (name === 'infty') return { k: 'const', name: 'inf' };
    if (name === 'imath') return { k: 'const', name: 'i' };
    if (name === 'emptyset') return { k: 'empty' };
    if (name === 'reals') return { k: 'reals' };
    // Only ever the range of a parameter (`k \in \mathbb{Z}`), which families.ts reads.
    if (name === 'integers') return { k: 'text', text: 'integers' };
    if (GREEK.has(name)) return this.symbolNamed(name);
    if (name === 'angle' || name === 'measuredangle') return this.angleName(name);
    if (name === 'vec' || name === 'hat' || name === 'overrightarrow') {
      const inner = this.rawArg();
      return { k: 'sym', name: `vec:${inner}` };
    }
    // Not after a decimal point (the lexer took those as repeating digits): a conjugate.
    if (name === 'bar' || name === 'overline')
      return { k: 'fn', name: 'conj', args: [this.parseArg()] };
    if (name === 'lfloor' || name === 'lceil') {
      const inner = this.parseAdditive();
      const close = name === 'lfloor' ? 'rfloor' : 'rceil';
      if (!this.isCmd(close)) throw new ParseError(`expected \\${close}`);
      this.next();
      return { k: 'fn', name: name === 'lfloor' ? 'floor' : 'ceil', args: [inner] };
    }
    if (name === 'langle') {
      const { items } = this.parseItems();
      if (!this.isCmd('rangle')) throw new ParseError('expected \\rangle');
      this.next();
      return { k: 'list', open: '<', close: '>', items, joiner: 'comma' };
    }
    if (name === 'based') {
      const digits = this.rawArg();
      const base = Number(this.rawArg());
      return { k: 'based', digits, base, value: parseBased(digits, base) };
    }
    if (name === 'clock') {
      const h = Number(this.rawArg());
      const m = this.rawArg();
      return { k: 'text', text: `time:${h}:${m}:${this.rawArg()}` };
    }
    if (name === 'begin') return this.parseEnvironment();
    if (name === 'boxed' || name === 'fbox') return this.parseArg();
    if (name === 'ldots' || name === 'dots' || name === 'cdots') return { k: 'sym', name: '...' };
    if (FUNCTIONS.has(name) || LIST_FUNCTIONS.has(name)) return this.parseNamed(name);
    throw new ParseError(`unsupported \\${name}`);
  }

  /** `\angle ABC`, `\angle{A}`: the name of an angle, one symbol (whose measure is the answer). */
  private angleName(cmd: string): Node {
    const t = this.peek();
    if (t.t === 'letters') {
      this.next();
      return { k: 'sym', name: `${cmd}:${t.text}` };
    }
    if (this.isOp('{')) return { k: 'sym', name: `${cmd}:${this.rawArg()}` };
    throw new ParseError(`\\${cmd} without a name`);
  }

  private symbolNamed(name: string): Node {
    let full = name;
    if (this.eatOp('_')) full += `_${this.rawArg()}`;
    return { k: 'sym', name: full };
  }

  /** A function by name (LaTeX or plain): powers, log bases, and an argument with or without parens. */
  private parseNamed(name: string): Node {
    // `\lg` is the common logarithm (as `\log` without a base is here).
    if (name === 'lg') return this.parseNamed('log');
    if (name === 'pi') return { k: 'const', name: 'pi' };
    if (name === 'infty' || name === 'infinity' || name === 'inf')
      return { k: 'const', name: 'inf' };
    if (name === 'sqrt') {
      if (this.isOp('('))
        return { k: 'root', arg: this.parseBracketed('('), index: num(rat(2n) as Rational) };
      return { k: 'root', arg: this.parseArg(), index: num(rat(2n) as Rational) };
    }
    if (LIST_FUNCTIONS.has(name)) {
      if (!this.eatOp('(')) throw new ParseError(`${name} needs parentheses`);
      const { items } = this.parseItems();
      this.expectOp(')');
      return { k: 'fn', name, args: items };
    }
    let base: Node | undefined;
    let power: Node | undefined;
    for (let i = 0; i < 2; i++) {
      if (name === 'log' && base === undefined && this.eatOp('_')) base = this.parseArg();
      else if (power === undefined && this.eatOp('^')) power = this.parseExponent();
    }
    let fname = name;
    if (power !== undefined && isMinusOne(power) && ['sin', 'cos', 'tan'].includes(name)) {
      fname = `arc${name}`;
      power = undefined;
    }
    const arg = this.parseFunctionArg();
    const args = base === undefined ? [arg] : [arg, base];
    const call: Node = { k: 'fn', name: fname, args };
    return power === undefined ? call : { k: 'pow', base: call, exp: power };
  }

  private parseFunctionArg(): Node {
    if (this.isOp('(')) return this.parsePostfix(this.parseBracketed('('));
    const factors = [this.parsePower()];
    for (;;) {
      const t = this.peek();
      const isFunction =
        (t.t === 'cmd' && (FUNCTIONS.has(t.name) || LIST_FUNCTIONS.has(t.name))) ||
        (t.t === 'letters' && PLAIN_NAMES.has(t.text) && t.text !== 'pi');
      if (isFunction || this.isOp('(') || !this.canStartImplicit()) break;
      factors.push(this.parsePower());
    }
    return factors.length === 1 ? (factors[0] as Node) : { k: 'mul', factors };
  }

  /** A macro argument: a `{}` group, or a single token as TeX reads it (`\frac12`, `\sqrt2`). */
  private parseArg(): Node {
    this.enter();
    let out: Node;
    const t = this.peek();
    if (t.t === 'op' && t.text === '{') {
      this.next();
      const { items, joiner, separated } = this.parseItems();
      this.expectOp('}');
      out =
        items.length === 1 && !separated
          ? (items[0] as Node)
          : { k: 'list', open: '', close: '', items, joiner };
    } else if (t.t === 'num' && t.repeat === undefined && t.approx !== true && t.text.length > 1) {
      const first = t.text[0] as string;
      this.toks[this.pos] = { t: 'num', text: t.text.slice(1) };
      if (first === '.') throw new ParseError('bad macro argument');
      out = num(rat(BigInt(first)) as Rational);
    } else if (t.t === 'letters') {
      out = this.symbolFrom(this.takeLetter());
    } else if (t.t === 'num' || t.t === 'cmd') {
      out = this.parsePrimary();
    } else {
      throw new ParseError('missing macro argument');
    }
    this.depth--;
    return out;
  }

  private parseTextToken(content: string): Node {
    const text = content.trim();
    const lower = text.toLowerCase().replace(/\s+/g, ' ');
    if (/\d/.test(text)) {
      // Math written inside \text{}: parse it as math.
      return new Parser(lex(text)).parseTop();
    }
    const words = parseNumberWords(lower);
    if (words !== undefined) return num(rat(words) as Rational);
    if (/^(?:all real(?: numbers)?|all reals|every real number|r)$/.test(lower))
      return { k: 'reals' };
    if (/^(?:positive |plus )?(?:infinity|inf|infty)$/.test(lower)) {
      return { k: 'const', name: 'inf' };
    }
    if (/^(?:negative|minus) (?:infinity|inf|infty)$/.test(lower)) {
      return { k: 'neg', arg: { k: 'const', name: 'inf' } };
    }
    // `\mathrm{cis}\,\theta`, `\text{log}_2 8`: a function name set upright as text.
    if (FUNCTIONS.has(lower)) return this.parseNamed(lower);
    if (text === 'e') return { k: 'const', name: 'e' };
    if (text === 'i') return { k: 'const', name: 'i' };
    if (/^[a-zA-Z]$/.test(text)) return { k: 'sym', name: text };
    return { k: 'text', text: lower };
  }

  private parseBracketed(open: string): Node {
    if (open === '|') {
      if (this.absDepth > 4) throw new ParseError('nested absolute values');
      this.next();
      this.absDepth++;
      const inner = this.parseAdditive();
      this.absDepth--;
      this.expectOp('|');
      return { k: 'fn', name: 'abs', args: [inner] };
    }
    if (open === '{') {
      this.next();
      const { items, joiner, separated } = this.parseItems();
      this.expectOp('}');
      if (items.length === 1 && !separated) return items[0] as Node;
      return { k: 'list', open: '', close: '', items, joiner };
    }
    if (open === '\\{') {
      this.next();
      const builder = this.trySetBuilder();
      if (builder !== undefined) return builder;
      const { items } = this.parseItems();
      this.expectOp('\\}');
      if (items.length === 0) return { k: 'empty' };
      return { k: 'list', open: '{', close: '}', items, joiner: 'comma' };
    }
    if (open === '(' || open === '[') {
      this.next();
      const saveAbs = this.absDepth;
      this.absDepth = 0;
      let { items, separated } = this.parseItems();
      this.absDepth = saveAbs;
      // `\left( {1,2} \right)`, `\left[ {\frac12, 1} \right)` (MathType writes groups this
      // way): a braced list that fills the bracket is the bracket's own list.
      const only = items[0];
      if (items.length === 1 && !separated && only?.k === 'list' && only.open === '') {
        if (only.joiner === 'comma' && only.items.length > 1) {
          items = only.items;
          separated = true;
        }
      }
      const close = this.peek();
      if (close.t !== 'op' || (close.text !== ')' && close.text !== ']')) {
        throw new ParseError(`unclosed ${open}`);
      }
      this.next();
      const closeText = close.text as Bracket;
      if (items.length === 1 && !separated && (open === '(') === (closeText === ')')) {
        return items[0] as Node;
      }
      return { k: 'list', open: open as Bracket, close: closeText, items, joiner: 'comma' };
    }
    throw new ParseError(`unexpected ${open}`);
  }

  /**
   * Set-builder notation `\{x \mid x > 3\}` (also `|`, `:` and `x \in \mathbb{R}`): the
   * condition itself, which the comparison reads as a set of reals.
   */
  private trySetBuilder(): Node | undefined {
    const v = this.peek();
    if (v.t !== 'letters' || v.text.length !== 1) return undefined;
    let i = 1;
    if (this.isCmd('in', 1) && this.peek(2).t === 'cmd') i = 3;
    const sep = this.peek(i);
    const isSep =
      (sep.t === 'op' && (sep.text === '|' || sep.text === ':')) ||
      (sep.t === 'cmd' && sep.name === 'mid');
    if (!isSep) return undefined;
    for (let j = 0; j <= i; j++) this.next();
    const { items, joiner } = this.parseItems();
    this.expectOp('\\}');
    const only = items[0];
    if (items.length === 1 && only !== undefined) return only;
    return { k: 'list', open: '', close: '', items, joiner: joiner === 'comma' ? 'and' : joiner };
  }

  private parseEnvironment(): Node {
    const env = this.rawArg().replace(/\*$/, '');
    if (!MATRIX_ENVS.has(env)) throw new ParseError(`unsupported environment ${env}`);
    if (env === 'array' && this.isOp('{')) this.rawArg();
    const rows: Node[][] = [];
    let row: Node[] = [];
    for (;;) {
      if (this.isCmd('end')) {
        this.next();
        this.rawArg();
        if (row.length > 0) rows.push(row);
        break;
      }
      row.push(this.parseRelation());
      if (this.eatOp('&')) continue;
      if (this.eatOp('\\\\')) {
        rows.push(row);
        row = [];
        continue;
      }
      if (!this.isCmd('end')) throw new ParseError(`unexpected ${describe(this.peek())} in matrix`);
    }
    if (rows.length === 0) throw new ParseError('empty matrix');
    return { k: 'matrix', rows };
  }
}

function isMinusOne(n: Node): boolean {
  return n.k === 'neg' && n.arg.k === 'num' && n.arg.value.n === 1n && n.arg.value.d === 1n;
}

function describe(t: Token): string {
  switch (t.t) {
    case 'end':
      return 'end of answer';
    case 'cmd':
      return `\\${t.name}`;
    default:
      return `'${t.text}'`;
  }
}
