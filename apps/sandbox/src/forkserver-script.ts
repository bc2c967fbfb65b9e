import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Python fork-server shipped with this package (apps/sandbox/python). Resolved against the
 * package root, which is two levels above this file from src/ and from dist/ alike.
 */
export function forkServerScriptPath(): string {
  const path = join(__dirname, '..', 'python', 'rstar_forkserver.py');
  if (!existsSync(path)) throw new Error(`sandbox fork-server script missing: ${path}`);
  return path;
}
