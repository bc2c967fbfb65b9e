import { NotFoundError } from '@rstar-fleet/protocol';
import type { ArtifactStore } from './artifact-store';

/** Reads a whole object; null when it does not exist (any other failure still throws). */
export async function readIfExists(store: ArtifactStore, key: string): Promise<Buffer | null> {
  try {
    return await store.read(key);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
