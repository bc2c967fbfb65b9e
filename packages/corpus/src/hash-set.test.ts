import { DigestSet } from './hash-set';
import { normaliseProblemText, problemDigest, sha256Hex } from './text-hash';

const digest = sha256Hex;

describe('DigestSet', () => {
  it('adds each key once, across many growths', () => {
    const set = new DigestSet();
    for (let i = 0; i < 50_000; i++) expect(set.add(digest(String(i)))).toBe(true);
    for (let i = 0; i < 50_000; i += 7) expect(set.add(digest(String(i)))).toBe(false);
    expect(set.size).toBe(50_000);
  });

  it('keeps an all-zero key apart from the empty slot marker', () => {
    const set = new DigestSet();
    expect(set.add('0'.repeat(16))).toBe(true);
    expect(set.add('0'.repeat(16))).toBe(false);
    expect(set.size).toBe(1);
  });
});

describe('problem text normalisation', () => {
  it('folds case, width and whitespace so copies of a problem hash alike', () => {
    expect(normaliseProblemText('  What IS\n\t２+２? ')).toBe('what is 2+2?');
    expect(problemDigest('What is 2+2?')).toBe(problemDigest('what  is ２+２?\n'));
    expect(problemDigest('What is 2+2?')).not.toBe(problemDigest('What is 2+3?'));
  });
});
