import fc from 'fast-check';
import * as Q from './rational';

const r = (n: number, d = 1): Q.Rational => Q.rat(BigInt(n), BigInt(d)) as Q.Rational;

describe('rational', () => {
  it('reduces and compares exactly', () => {
    expect(Q.eq(r(2, 4), r(1, 2))).toBe(true);
    expect(Q.eq(r(1, 3), r(3333, 10000))).toBe(false);
    expect(Q.toString(r(6, -4))).toBe('-3/2');
  });

  it('agrees with integer arithmetic on random inputs', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1 }),
        fc.integer(),
        fc.integer({ min: 1 }),
        (a, b, c, d) => {
          const x = r(a, b);
          const y = r(c, d);
          const sum = Q.add(x, y) as Q.Rational;
          expect(Q.eq(sum, r(0)) || Q.eq(Q.sub(sum, y) as Q.Rational, x)).toBe(true);
          expect(
            Q.eq(
              Q.mul(x, y) as Q.Rational,
              Q.rat(BigInt(a) * BigInt(c), BigInt(b) * BigInt(d)) as Q.Rational,
            ),
          ).toBe(true);
        },
      ),
    );
  });

  it('computes exact roots only when they exist', () => {
    expect(Q.root(r(27, 8), 3)).toEqual(r(3, 2));
    expect(Q.root(r(-8), 3)).toEqual(r(-2));
    expect(Q.root(r(2), 2)).toBeUndefined();
    expect(Q.root(r(-4), 2)).toBeUndefined();
  });

  it('refuses values beyond the size cap instead of computing them', () => {
    expect(Q.powInt(r(10), 10n ** 10n)).toBeUndefined();
    expect(Q.powInt(r(2), 2004n)).toBeDefined();
    expect(Q.factorial(BigInt(Q.MAX_FACTORIAL + 1))).toBeUndefined();
    expect(Q.factorial(20n)).toBe(2432902008176640000n);
  });

  it('keeps dyadic fractions reduced without a general gcd', () => {
    expect(Q.rat(12n, 16n)).toEqual(r(3, 4));
    expect(Q.rat(-8n, 64n)).toEqual(r(-1, 8));
  });

  it('computes binomials', () => {
    expect(Q.binomial(10n, 3n)).toBe(120n);
    expect(Q.binomial(3n, 5n)).toBe(0n);
  });
});
