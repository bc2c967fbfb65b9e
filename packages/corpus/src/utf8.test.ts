import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8 } from './utf8';

describe('firstInvalidUtf8', () => {
  it('finds the start of the first bad sequence', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo ✓ 𝛑'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x9c]))).toBe(1); // truncated ✓
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8(Buffer.from([0xe0, 0x80, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x80]))).toBe(1); // lone continuation
  });

  it('agrees with the platform validator on random bytes', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let n = 0; n < 5000; n++) {
      // Biased to the high half so that multi-byte sequences (valid and not) are common.
      const bytes = Buffer.from(
        Array.from({ length: 1 + (n % 9) }, () => next() | (0x80 * (n % 2))),
      );
      const at = firstInvalidUtf8(bytes);
      expect(at === -1).toBe(isUtf8(bytes));
      if (at !== -1) expect(isUtf8(bytes.subarray(0, at))).toBe(true);
    }
  });
});
