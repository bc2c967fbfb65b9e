/** English number words (`twenty-one`, `one hundred five`, `three thousand`, `zero`). */
const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

const SCALES: Record<string, bigint> = {
  thousand: 1000n,
  million: 1_000_000n,
  billion: 1_000_000_000n,
  trillion: 1_000_000_000_000n,
};

/** The integer spelled by `text`, or undefined when it is not purely number words. */
export function parseNumberWords(text: string): bigint | undefined {
  const words = text
    .toLowerCase()
    .replace(/-/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '' && w !== 'and');
  if (words.length === 0 || words.length > 12) return undefined;
  let total = 0n;
  let group = 0n;
  let seen = false;
  for (const w of words) {
    const small = SMALL[w];
    if (small !== undefined) {
      group += BigInt(small);
      seen = true;
    } else if (w === 'hundred') {
      group = (group === 0n ? 1n : group) * 100n;
      seen = true;
    } else {
      const scale = SCALES[w];
      if (scale === undefined) return undefined;
      total += (group === 0n ? 1n : group) * scale;
      group = 0n;
      seen = true;
    }
  }
  return seen ? total + group : undefined;
}

/** `million`/`billion` after a numeral (`2.5 million`): the power of ten it stands for. */
export function scaleWord(word: string): bigint | undefined {
  return SCALES[word.toLowerCase()];
}

const DENOMINATORS: Record<string, bigint> = {
  half: 2n,
  halves: 2n,
  third: 3n,
  thirds: 3n,
  quarter: 4n,
  quarters: 4n,
  fourth: 4n,
  fourths: 4n,
  fifth: 5n,
  fifths: 5n,
  sixth: 6n,
  sixths: 6n,
  seventh: 7n,
  sevenths: 7n,
  eighth: 8n,
  eighths: 8n,
  ninth: 9n,
  ninths: 9n,
  tenth: 10n,
  tenths: 10n,
  twelfth: 12n,
  twelfths: 12n,
  hundredth: 100n,
  hundredths: 100n,
  thousandth: 1000n,
  thousandths: 1000n,
};

/** `one half`, `a third`, `three quarters`, `two-thirds`: [numerator, denominator]. */
export function parseWordFraction(text: string): [bigint, bigint] | undefined {
  const words = text.toLowerCase().replace(/-/g, ' ').trim().split(/\s+/);
  const last = words.pop();
  if (last === undefined || words.length === 0) return undefined;
  const d = DENOMINATORS[last];
  if (d === undefined) return undefined;
  const head = words.join(' ');
  const n = head === 'a' || head === 'an' ? 1n : parseNumberWords(head);
  return n === undefined ? undefined : [n, d];
}
