import { ProblemRecordSchema, type ProblemRecord } from '@rstar-fleet/corpus';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { ArtifactStore } from './artifact-store';

/**
 * Reads a shard's problems (ProblemRecord JSONL, `runs/<run>/round-<r>/shards/<i>.jsonl`). The
 * orchestrator wrote it from validated records, so a malformed line means a damaged or foreign
 * file: InvalidInputError naming `key:line` (a worker treats it as a poison shard; the
 * orchestrator reports it). Blank lines are allowed; ids must be distinct.
 */
export async function readShardProblems(
  store: ArtifactStore,
  key: string,
): Promise<ProblemRecord[]> {
  const problems: ProblemRecord[] = [];
  const ids = new Set<string>();
  for await (const line of store.lines(key)) {
    if (line.text.trim() === '') continue;
    const where = { source: key, line: line.line };
    let json: unknown;
    try {
      json = JSON.parse(line.text);
    } catch (cause) {
      throw new InvalidInputError('not valid JSON', where, { cause });
    }
    const parsed = ProblemRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.');
      throw new InvalidInputError(`not a problem record: ${issue?.message ?? 'invalid'}`, {
        ...where,
        ...(field ? { field } : {}),
      });
    }
    if (ids.has(parsed.data.id)) {
      throw new InvalidInputError(`duplicate problem id ${parsed.data.id}`, {
        ...where,
        field: 'id',
      });
    }
    ids.add(parsed.data.id);
    problems.push(parsed.data);
  }
  return problems;
}
