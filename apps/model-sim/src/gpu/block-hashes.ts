import { createHash } from 'node:crypto';
import { CHARS_PER_TOKEN } from '../tokens';

/**
 * vLLM's prefix-cache keys: block j's key is a hash of block j−1's key and block j's tokens, so a
 * key names the whole prefix up to the block's end. Tokens are the simulator's (4 characters
 * each), so a block is `blockSize × 4` characters of the sequence's text (prompt + output).
 * Only full blocks have keys. `salt` scopes the keys (vLLM's `cache_salt`): with prefix caching
 * off the engine salts by request prompt, so only the siblings of one prompt share blocks.
 */
export function blockHashes(
  text: string,
  blockSize: number,
  salt: string,
  from: readonly string[] = [],
): string[] {
  const chars = blockSize * CHARS_PER_TOKEN;
  const full = Math.floor(text.length / chars);
  const keys = from.slice(0, full);
  let parent = keys[keys.length - 1] ?? salt;
  for (let j = keys.length; j < full; j++) {
    parent = createHash('sha1')
      .update(parent)
      .update('\u0000')
      .update(text.slice(j * chars, (j + 1) * chars))
      .digest('base64');
    keys.push(parent);
  }
  return keys;
}
