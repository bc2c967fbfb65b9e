/**
 * The 0-based offset of the first byte that makes `bytes` invalid UTF-8 (the start of the bad
 * sequence), or -1 when it is valid. Only called on the rare invalid line (`isUtf8` is the fast
 * check), to name the place in the reject. Follows the Unicode well-formed byte sequences table
 * (no overlong forms, no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [length, low, high] = leadRange(b);
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's range depends on the lead (it excludes overlongs and surrogates).
    const second = bytes[i + 1] ?? 0;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const c = bytes[i + k] ?? 0;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** Sequence length and allowed second-byte range for a lead byte; length 0: not a lead byte. */
function leadRange(b: number): [number, number, number] {
  if (b >= 0xc2 && b <= 0xdf) return [2, 0x80, 0xbf];
  if (b === 0xe0) return [3, 0xa0, 0xbf];
  if (b === 0xed) return [3, 0x80, 0x9f];
  if (b >= 0xe1 && b <= 0xef) return [3, 0x80, 0xbf];
  if (b === 0xf0) return [4, 0x90, 0xbf];
  if (b >= 0xf1 && b <= 0xf3) return [4, 0x80, 0xbf];
  if (b === 0xf4) return [4, 0x80, 0x8f];
  return [0, 0, 0];
}
