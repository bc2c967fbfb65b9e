import type { ArtifactStore } from './artifact-store';
import type { ResultLogCodec } from './result-log';

/**
 * Reads a result log's complete records, each validated by its codec (InvalidInputError naming
 * `key:line`). A torn last line from a crashed writer is no record and is skipped, as the
 * writer's own recovery would truncate it.
 */
export async function* readResultLog<T>(
  store: ArtifactStore,
  key: string,
  codec: Pick<ResultLogCodec<T>, 'parse'>,
): AsyncGenerator<T> {
  for await (const line of store.lines(key)) {
    if (!line.terminated) break;
    yield codec.parse(line.text, { source: key, line: line.line });
  }
}
